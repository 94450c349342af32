import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// The terminal through ncursesw: the only code that calls curses. Every call happens on
/// the dashboard's queue.
final class Screen {
    private(set) var width: Int32 = 0
    private(set) var height: Int32 = 0
    let depth: ColorDepth
    private var previous: Canvas?
    private var pairs: [Int64: Int32] = [:]
    private var screen: OpaquePointer?

    /// Checks, without touching the terminal, that the dashboard can run here: before a
    /// command does anything else (the demo builds a repository first).
    static func preflight() throws(DashboardError) {
        guard isatty(0) == 1, isatty(1) == 1 else { throw DashboardError("the dashboard needs a terminal; use factory run --headless or factory status") }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        switch term.isEmpty ? -1 : factory_terminal_usable() {
        case -1: throw DashboardError("unknown terminal type \"\(term)\"; set TERM (for example TERM=xterm-256color)")
        case 0: throw DashboardError("terminal \"\(term)\" cannot move the cursor; use a real terminal, or factory run --headless")
        default: return
        }
    }

    /// Opens the terminal. Errors say what is wrong with the terminal, and leave it as it was.
    init(noColor: Bool, mouse: Bool = false) throws(DashboardError) {
        try Self.preflight()
        Locale.ensureUTF8()
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard !term.isEmpty, let s = factory_newterm() else {
            throw DashboardError("unknown terminal type \"\(term)\"; set TERM (for example TERM=xterm-256color)")
        }
        screen = s
        set_term(s)
        guard factory_has_cursor_addressing() != 0 else {
            endwin()
            throw DashboardError("terminal \"\(term)\" cannot move the cursor; use a real terminal, or factory run --headless")
        }
        var colorful = !noColor && has_colors()
        if colorful { colorful = start_color() == OK }
        if colorful { use_default_colors() }
        depth = colorful ? ColorDepth(colorCount: Int(factory_colors())) : .none
        cbreak()
        noecho()
        nonl()
        keypad(factory_stdscr(), true)
        nodelay(factory_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        width = Int32(factory_cols())
        height = Int32(factory_lines())
        // Pasted text arrives marked, so it is taken as text and never as keys
        // (`PasteReader`); `close` and `CrashGuard` switch it off again.
        factory_bracketed_paste(1)
        if mouse { factory_mouse(1) }
    }

    /// The terminal's size now (from the kernel, not the last SIGWINCH ncurses saw).
    func resize() {
        var ws = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            resizeterm(Int32(ws.ws_row), Int32(ws.ws_col))
        }
        width = Int32(factory_cols())
        height = Int32(factory_lines())
        previous = nil
        clearok(factory_stdscr(), true)
    }

    /// Copies the cells that changed since the last frame and flushes once.
    func present(_ canvas: Canvas, theme: Theme) {
        let full = previous == nil || previous?.width != canvas.width || previous?.height != canvas.height
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if cell.continuation { continue }
                if !full, let prev = previous, prev[x, y] == cell { continue }
                put(cell, x: Int32(x), y: Int32(y), theme: theme)
            }
        }
        previous = canvas
        wnoutrefresh(factory_stdscr())
        doupdate()
    }

    /// Tells the terminal itself, not the screen: the bell through curses (terminfo's `bel`,
    /// flushed at once), and `sequence` (a desktop notification) written straight to it. This
    /// runs on the dashboard's queue between frames: `doupdate` has already flushed curses'
    /// output, so the sequence cannot land inside one of curses' own. A terminal consumes an
    /// OSC string (or tmux's passthrough) whole, known or not, without drawing a cell or moving
    /// the cursor, so curses' picture of the screen stays true and nothing needs redrawing.
    func alert(bell: Bool, sequence: [UInt8]) {
        if bell { beep() }
        var rest = sequence[...]
        while !rest.isEmpty {
            let n = rest.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            // A terminal gone or not taking output: the notice is lost, the dashboard goes on.
            guard n > 0 else { return }
            rest = rest.dropFirst(n)
        }
    }

    /// Forget what is on screen: the next frame redraws every cell (after a theme change).
    func invalidate() {
        previous = nil
        looks = [:]
    }

    /// Curses attributes and colour pair for each role, worked out once per theme.
    private var looks: [ThemeRole: (attrs: attr_t, pair: Int32)] = [:]

    private func look(_ role: ThemeRole, theme: Theme) -> (attrs: attr_t, pair: Int32) {
        if let known = looks[role] { return known }
        let style = theme.style(role, depth: depth)
        var attrs: attr_t = 0
        if style.bold { attrs |= factory_A_BOLD }
        if style.dim { attrs |= factory_A_DIM }
        if style.reverse { attrs |= factory_A_REVERSE }
        if style.underline { attrs |= factory_A_UNDERLINE }
        if style.italic { attrs |= factory_A_ITALIC }
        let pair = Int32(pairNumber(fg: paletteIndex(style.fg, depth: depth), bg: paletteIndex(style.bg, depth: depth)))
        looks[role] = (attrs, pair)
        return (attrs, pair)
    }

    private func put(_ cell: Cell, x: Int32, y: Int32, theme: Theme) {
        let (attrs, pairNumber) = look(cell.role, theme: theme)
        var pair = pairNumber
        var chars: [wchar_t] = cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) } + [0]
        if chars.count == 1 { chars = [0x20, 0] }
        var cc = cchar_t()
        setcchar(&cc, &chars, attrs, 0, &pair)
        mvwadd_wch(factory_stdscr(), y, x, &cc)
    }

    /// A colour pair for (fg, bg), made on first use; -1 is the terminal's default.
    private func pairNumber(fg: Int?, bg: Int?) -> Int {
        guard depth != .none else { return 0 }
        let f = fg ?? -1, b = bg ?? -1
        if f == -1 && b == -1 { return 0 }
        let key = Int64(f + 1) << 16 | Int64(b + 1)
        if let p = pairs[key] { return Int(p) }
        let number = Int32(pairs.count + 1)
        init_extended_pair(number, Int32(f), Int32(b))
        pairs[key] = number
        return Int(number)
    }

    /// Every key waiting, without blocking.
    func readKeys() -> [Key] {
        var keys: [Key] = []
        var ch: wint_t = 0
        while true {
            let r = wget_wch(factory_stdscr(), &ch)
            if r == ERR { break }
            if r == factory_key_code_yes(), Int32(ch) == factory_key_mouse() {
                var x: Int32 = 0, y: Int32 = 0
                let kind = factory_mouse_event(&x, &y)
                if let kind = MouseEvent.Kind(rawValue: kind) { keys.append(.mouse(MouseEvent(kind: kind, x: Int(x), y: Int(y)))) }
                continue
            }
            if r == factory_key_code_yes() { keys.append(.code(Int32(ch))); continue }
            if let scalar = Unicode.Scalar(UInt32(ch)) { keys.append(.char(Character(scalar))) }
        }
        return keys
    }

    /// Gives the terminal to another program (an agent's session) and takes it back: curses
    /// leaves its mode (`endwin`), `body` runs, and the next frame redraws every cell — the
    /// other program may have drawn anything, at any size.
    func suspended(_ body: () -> Void) {
        factory_bracketed_paste(0)
        endwin()
        body()
        factory_bracketed_paste(1)
        refresh()
        resize()
    }

    /// Continued after a stop curses never saw (SIGSTOP cannot be caught): the shell has put
    /// the terminal in its own modes (line input, echo) and written over the screen. The
    /// dashboard's modes come back and the next frame redraws every cell.
    func resumed() {
        reset_prog_mode()
        factory_bracketed_paste(1)
        resize()
    }

    func close() {
        // Without an alternate screen the last frame would stay, with the shell writing over
        // it: clear it first.
        if factory_has_alternate_screen() == 0 {
            wclear(factory_stdscr())
            wrefresh(factory_stdscr())
        }
        factory_bracketed_paste(0)
        factory_mouse(0)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
    }
}

public struct DashboardError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

enum Locale {
    /// Wide characters need a UTF-8 locale; when the environment gives none, use C.UTF-8.
    static func ensureUTF8() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: factory_codeset()).uppercased().split(separator: "-").joined()
        if codeset == "UTF8" { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_ALL, name) != nil { return }
    }
}
