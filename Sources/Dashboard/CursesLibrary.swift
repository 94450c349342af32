import CNcursesw

/// The curses library this binary is linked with. The dashboard itself (panes, input,
/// render loop) lands here; this module is the only one that calls curses.
public enum CursesLibrary {
    /// e.g. `ncurses 6.4.20221231`.
    public static var version: String { String(cString: curses_version()) }

    /// True when the wide-character API was imported (the shim defines
    /// `_XOPEN_SOURCE_EXTENDED`): `cchar_t` and `setcchar` exist only then.
    public static var hasWideCharacters: Bool {
        var cell = cchar_t()
        var text: [wchar_t] = [0x41, 0]
        return setcchar(&cell, &text, 0, 0, nil) == OK
    }
}
