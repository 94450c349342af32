import Dashboard
import Foundation
import XCTest

/// Themes as data: the bundled files, the file format and its errors, colours coming down to
/// what a terminal has, and where a theme is found.
final class ThemeTests: XCTestCase {
    private let six = ["default", "light", "solarized-dark", "gruvbox", "high-contrast", "mono"]
    private let depths: [ColorDepth] = [.none, .eight, .sixteen, .full]

    // MARK: Bundled themes

    func testTheSixThemesAreBuiltIn() {
        XCTAssertEqual(ThemeLoader.bundledNames, six.sorted())
        XCTAssertTrue(ThemeLoader.bundledNames.contains(ThemeLoader.defaultName))
    }

    func testEveryBundledThemeDefinesAndResolvesEveryRole() throws {
        for name in ThemeLoader.bundledNames {
            let theme = try ThemeLoader.load(name, userDirectory: nil)
            XCTAssertEqual(Set(theme.definedStyles.keys), Set(ThemeRole.allCases), name)
            for role in ThemeRole.allCases {
                XCTAssertEqual(theme.style(role), theme.definedStyles[role], "\(name) \(role)")
                for depth in depths {
                    let style = theme.style(role, depth: depth)
                    XCTAssertFalse(Self.isRGB(style.fg) || Self.isRGB(style.bg), "\(name) \(role) \(depth)")
                }
            }
        }
    }

    func testBundledThemesAreNamedAndKeepSelectionVisibleEverywhere() throws {
        let expected = ["default": "Default", "light": "Light", "solarized-dark": "Solarized Dark",
                        "gruvbox": "Gruvbox", "high-contrast": "High Contrast", "mono": "Mono"]
        for (file, title) in expected {
            let theme = try ThemeLoader.load(file, userDirectory: nil)
            XCTAssertEqual(theme.name, title)
            for depth in depths {
                XCTAssertNotEqual(theme.style(.selection, depth: depth), theme.style(.text, depth: depth), "\(file) \(depth)")
            }
        }
    }

    func testMonoHasNoColours() throws {
        let mono = try ThemeLoader.load("mono", userDirectory: nil)
        for role in ThemeRole.allCases {
            XCTAssertEqual(mono.style(role).fg, .terminalDefault, "\(role)")
            XCTAssertEqual(mono.style(role).bg, .terminalDefault, "\(role)")
        }
        XCTAssertTrue(mono.style(.selection).reverse)
    }

    func testRoleNamesAreTheFileKeys() {
        XCTAssertEqual(ThemeRole.allCases.map(\.rawValue), [
            "text", "dim", "border", "border_focused", "title", "selection", "status_bar", "key_hint", "help",
            "phase_done", "phase_current", "phase_pending", "phase_blocked",
            "agent_running", "agent_stalled", "agent_exited", "agent_failed", "agent_killed", "agent_external", "agent_idle",
            "task_done", "task_wip", "task_pending", "task_blocked", "task_failed", "task_unknown",
            "message_sender", "message_time", "message_body", "attention", "escape", "search_match",
            "diff_added", "diff_removed", "diff_hunk", "code",
        ])
    }

    // MARK: Colours

    func testColourParsing() {
        let cases: [(String, ThemeColor?)] = [
            ("", .terminalDefault), ("default", .terminalDefault), ("DEFAULT", .terminalDefault),
            ("black", .indexed(0)), ("red", .indexed(1)), ("white", .indexed(7)), ("Cyan", .indexed(6)),
            ("bright_black", .indexed(8)), ("gray", .indexed(8)), ("grey", .indexed(8)),
            ("bright_red", .indexed(9)), ("bright_white", .indexed(15)),
            ("#e5c07b", .rgb(0xE5, 0xC0, 0x7B)), ("#E5C07B", .rgb(0xE5, 0xC0, 0x7B)),
            ("#f0a", .rgb(0xFF, 0x00, 0xAA)), ("#000", .rgb(0, 0, 0)),
            ("0", .indexed(0)), ("42", .indexed(42)), ("255", .indexed(255)), ("007", .indexed(7)),
            ("256", nil), ("-1", nil), ("+7", nil), ("1000", nil), ("#12345", nil), ("#1234567", nil),
            ("#ggg", nil), ("#+1+2+3", nil), ("e5c07b", nil), ("bright_grey", nil), ("purple", nil), ("#", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(ThemeColor(parsing: text), expected, "'\(text)'")
        }
    }

    func testNearestColourAtEachDepth() {
        let cases: [(ThemeColor, full: Int?, sixteen: Int?, eight: Int?)] = [
            (.rgb(0xFF, 0, 0), 196, 9, 1),
            (.rgb(0, 0, 0), 16, 0, 0),
            (.rgb(0xFF, 0xFF, 0xFF), 231, 15, 7),
            (.rgb(0x5F, 0x87, 0xAF), 67, 8, 6),   // exactly a cube entry
            (.rgb(0x80, 0x80, 0x80), 244, 8, 3),  // exactly grey 244; at eight xterm's yellow is nearer than white
            (.rgb(0x76, 0x76, 0x76), 243, 8, 3),  // a grey beats the cube's nearest (145)
            (.rgb(0x28, 0, 0), 233, 0, 0),        // rounding channels by /51 would say 52
            (.rgb(0, 0, 0xFF), 21, 4, 4),         // xterm's blue (0,0,238) is nearer than bright blue
            (.rgb(0xE5, 0xC0, 0x7B), 180, 7, 7),
            (.indexed(9), 9, 9, 1),
            (.indexed(196), 196, 9, 1),
            (.indexed(244), 244, 8, 3),
            (.indexed(300), nil, nil, nil),
            (.terminalDefault, nil, nil, nil),
        ]
        for (color, full, sixteen, eight) in cases {
            XCTAssertEqual(paletteIndex(color, depth: .full), full, "\(color) full")
            XCTAssertEqual(paletteIndex(color, depth: .sixteen), sixteen, "\(color) sixteen")
            XCTAssertEqual(paletteIndex(color, depth: .eight), eight, "\(color) eight")
            XCTAssertNil(paletteIndex(color, depth: .none), "\(color) none")
        }
    }

    func testDepthFromColourCount() {
        XCTAssertEqual([0, 2, 8, 15, 16, 88, 256, 16_777_216].map(ColorDepth.init(colorCount:)),
                       [.none, .none, .eight, .eight, .sixteen, .sixteen, .full, .full])
    }

    // MARK: Degrading and visibility

    func testDegradedKeepsAttributesAndDropsColoursAtNone() {
        let style = ThemeStyle(fg: .rgb(1, 2, 3), bg: .indexed(4), bold: true, italic: true)
        XCTAssertEqual(degraded(style, depth: .none), ThemeStyle(bold: true, italic: true))
        XCTAssertEqual(degraded(style, depth: .full), ThemeStyle(fg: .indexed(16), bg: .indexed(4), bold: true, italic: true))
        XCTAssertEqual(degraded(style, depth: .eight).fg, .indexed(0))
    }

    /// The screen resolves the degraded style's colours again; that must change nothing.
    func testPaletteIndexOfADegradedColourIsTheSame() {
        let colors: [ThemeColor] = [.rgb(0xE5, 0xC0, 0x7B), .rgb(0x28, 0, 0), .indexed(12), .indexed(200), .terminalDefault]
        for depth in depths {
            for color in colors {
                let style = degraded(ThemeStyle(fg: color), depth: depth)
                XCTAssertEqual(paletteIndex(style.fg, depth: depth), paletteIndex(color, depth: depth), "\(color) \(depth)")
            }
        }
    }

    func testDegradedNeverDrawsTextInItsOwnBackground() {
        let style = ThemeStyle(fg: .rgb(0xFF, 0, 0), bg: .rgb(0xD7, 0, 0), bold: true)
        XCTAssertEqual(degraded(style, depth: .full), ThemeStyle(fg: .indexed(196), bg: .indexed(160), bold: true))
        XCTAssertEqual(degraded(style, depth: .eight), ThemeStyle(fg: .terminalDefault, bg: .indexed(1), bold: true))
        let same = ThemeStyle(fg: .indexed(1), bg: .indexed(1))
        XCTAssertEqual(degraded(same, depth: .full), same, "the theme asked for it")
    }

    func testNoColourKeepsSelectionAndAttentionVisible() throws {
        let theme = try Theme(parsing: """
            text = #abb2bf
            selection = #abb2bf on #3e4451
            attention = red on yellow
            search_match = black on cyan
            title = blue bold
            status_bar = white on blue italic
            """, file: "t.theme")
        XCTAssertEqual(theme.style(.selection, depth: .none), ThemeStyle(reverse: true))
        XCTAssertEqual(theme.style(.attention, depth: .none), ThemeStyle(bold: true))
        XCTAssertEqual(theme.style(.searchMatch, depth: .none), ThemeStyle(underline: true))
        XCTAssertEqual(theme.style(.text, depth: .none), .plain, "plain text stays plain")
        XCTAssertEqual(theme.style(.title, depth: .none), ThemeStyle(bold: true))
        XCTAssertEqual(theme.style(.statusBar, depth: .none), ThemeStyle(italic: true), "attributes are kept, not added to")
        XCTAssertEqual(theme.style(.selection, depth: .full), ThemeStyle(fg: .indexed(249), bg: .indexed(238)), "colour is enough")
    }

    func testAStyledSelectionIsLeftAlone() throws {
        let theme = try Theme(parsing: "selection = blue on white underline\n", file: "t.theme")
        XCTAssertEqual(theme.style(.selection, depth: .none), ThemeStyle(underline: true))
    }

    // MARK: Fallbacks

    func testMissingRolesFallBack() throws {
        let theme = try Theme(parsing: "text = red\ndim = bright_black\ntitle = blue bold\n", file: "themes/short.theme")
        XCTAssertEqual(theme.name, "short")
        XCTAssertEqual(theme.style(.borderFocused), theme.style(.title))
        XCTAssertEqual(theme.style(.border), theme.style(.dim))
        XCTAssertEqual(theme.style(.help), theme.style(.text))
        XCTAssertEqual(theme.style(.messageSender), theme.style(.title))
        XCTAssertEqual(theme.style(.selection), ThemeStyle(fg: .indexed(1), reverse: true), "text, made visible")
        XCTAssertEqual(theme.style(.attention), ThemeStyle(fg: .indexed(1), bold: true))
        XCTAssertEqual(theme.style(.taskBlocked), theme.style(.attention))
        XCTAssertEqual(theme.style(.agentKilled), theme.style(.attention), "agent_killed → agent_failed → task_failed → attention")
        XCTAssertEqual(theme.style(.searchMatch), ThemeStyle(fg: .indexed(1), reverse: true, underline: true))
        XCTAssertEqual(theme.style(.statusBar), theme.style(.selection))
    }

    func testAnEmptyThemeIsTheTerminalsOwnLook() throws {
        let theme = try Theme(parsing: "# nothing\n\n", file: "empty.theme")
        XCTAssertEqual(theme.style(.text), .plain)
        XCTAssertEqual(theme.style(.phaseCurrent), .plain)
        XCTAssertEqual(theme.style(.selection, depth: .full), ThemeStyle(reverse: true))
    }

    func testEveryFallbackChainEndsAtText() {
        for role in ThemeRole.allCases {
            var current = role
            var steps = 0
            while let next = current.fallback {
                current = next
                steps += 1
                XCTAssertLessThan(steps, ThemeRole.allCases.count, "\(role) loops")
                if steps >= ThemeRole.allCases.count { break }
            }
            XCTAssertEqual(current, .text, "\(role)")
        }
    }

    // MARK: The file format

    func testStyleSyntax() throws {
        let theme = try Theme(parsing: """
            \u{FEFF}# comment
            name = One Dark
              phase_current = #e5c07b on default bold\r
            selection = reverse
            status_bar = on blue
            task_done =
            task_wip = yellow dim reverse underline italic bold\r
            title\t=\tBRIGHT_WHITE ON 236
            """, file: "themes/x.theme")
        XCTAssertEqual(theme.name, "One Dark")
        XCTAssertEqual(theme.definedStyles.count, 6)
        XCTAssertEqual(theme.style(.phaseCurrent), ThemeStyle(fg: .rgb(0xE5, 0xC0, 0x7B), bold: true))
        XCTAssertEqual(theme.style(.selection), ThemeStyle(reverse: true))
        XCTAssertEqual(theme.style(.statusBar), ThemeStyle(bg: .indexed(4)))
        XCTAssertEqual(theme.style(.taskDone), .plain)
        XCTAssertEqual(theme.style(.taskWIP), ThemeStyle(fg: .indexed(3), bold: true, dim: true, reverse: true, underline: true, italic: true))
        XCTAssertEqual(theme.style(.title), ThemeStyle(fg: .indexed(15), bg: .indexed(236)))
    }

    func testLoneCRAndCRLFEndLines() throws {
        let theme = try Theme(parsing: "text = red\rdim = blue\r\ntitle = green", file: "t.theme")
        XCTAssertEqual(theme.definedStyles.count, 3)
        XCTAssertThrowsError(try Theme(parsing: "text = red\r\rtext = blue", file: "t.theme")) { error in
            XCTAssertEqual((error as? ThemeError)?.message, "t.theme:3: duplicate role 'text' (first set on line 1)")
        }
    }

    func testParseErrorsNameTheFileAndLine() {
        let header = "# my theme\nname = X\n\ntext = default\ndim = gray\n\n"  // six lines
        let cases: [(String, String)] = [
            ("phase_curent = red", "themes/x.theme:7: unknown role 'phase_curent' (did you mean 'phase_current'?)"),
            ("sparkles = red", "themes/x.theme:7: unknown role 'sparkles'"),
            ("title = #12345", "themes/x.theme:7: '#12345' is not a colour"),
            ("title = blod", "themes/x.theme:7: 'blod' is not a colour or an attribute"),
            ("title = red on #xyz", "themes/x.theme:7: '#xyz' is not a colour"),
            ("title = red blink", "themes/x.theme:7: unknown attribute 'blink' (expected bold, dim, reverse, underline, italic)"),
            ("title = bold red", "themes/x.theme:7: colour 'red' after the attributes; write 'fg [on bg] attributes'"),
            ("title = red on", "themes/x.theme:7: 'on' needs a background colour"),
            ("title = red bold on blue", "themes/x.theme:7: 'on' must come right after the foreground colour"),
            ("title = red bold # note", "themes/x.theme:7: '#' is not a colour or an attribute; a comment must start its own line"),
            ("dim = red", "themes/x.theme:7: duplicate role 'dim' (first set on line 5)"),
            ("title red", "themes/x.theme:7: expected 'role = colour [on colour] [attributes]', got 'title red'"),
            ("= red", "themes/x.theme:7: missing role name before '='"),
            ("name = Y", "themes/x.theme:7: 'name' is set twice"),
        ]
        for (line, message) in cases {
            XCTAssertThrowsError(try Theme(parsing: header + line + "\ntitle = bold\n", file: "themes/x.theme"), line) { error in
                XCTAssertEqual((error as? ThemeError)?.message, message)
            }
        }
    }

    // MARK: Finding themes

    func testUserDirectoryWinsOverTheBundledTheme() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name = Mine\ntext = red\n".write(toFile: dir + "/default.theme", atomically: true, encoding: .utf8)
        try "text = blue\n".write(toFile: dir + "/ocean.theme", atomically: true, encoding: .utf8)

        XCTAssertEqual(try ThemeLoader.load("default", userDirectory: dir).name, "Mine")
        XCTAssertEqual(try ThemeLoader.load("default", userDirectory: nil).name, "Default")
        XCTAssertEqual(try ThemeLoader.load("gruvbox", userDirectory: dir).name, "Gruvbox", "others still come from the binary")
        XCTAssertEqual(try ThemeLoader.load("ocean", userDirectory: dir).style(.text).fg, .indexed(4))
        XCTAssertEqual(ThemeLoader.availableNames(userDirectory: dir), (six + ["ocean"]).sorted())
    }

    func testAUserThemeWithAnErrorNamesItsPath() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "text = red\n\ntitle = #12345\n".write(toFile: dir + "/light.theme", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ThemeLoader.load("light", userDirectory: dir)) { error in
            XCTAssertEqual((error as? ThemeError)?.message, "\(dir)/light.theme:3: '#12345' is not a colour")
        }
    }

    func testAPathIsReadFromDisk() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "text = green\n".write(toFile: dir + "/mine.theme", atomically: true, encoding: .utf8)
        let theme = try ThemeLoader.load(dir + "/mine.theme", userDirectory: nil)
        XCTAssertEqual(theme.name, "mine")
        XCTAssertEqual(theme.style(.text).fg, .indexed(2))

        XCTAssertThrowsError(try ThemeLoader.load(dir + "/absent.theme", userDirectory: nil)) { error in
            XCTAssertEqual((error as? ThemeError)?.message, "\(dir)/absent.theme: no such theme file")
        }
        XCTAssertThrowsError(try ThemeLoader.load("absent.theme", userDirectory: dir)) { error in
            XCTAssertEqual((error as? ThemeError)?.message, "absent.theme: no such theme file", "a .theme name is a path")
        }
    }

    func testAnUnknownNameListsTheAvailableOnes() {
        XCTAssertThrowsError(try ThemeLoader.load("solarized", userDirectory: "/nonexistent")) { error in
            XCTAssertEqual((error as? ThemeError)?.message,
                           "unknown theme 'solarized'; available: default, gruvbox, high-contrast, light, mono, solarized-dark"
                           + " (your own go in /nonexistent/<name>.theme)")
        }
        XCTAssertThrowsError(try ThemeLoader.load("", userDirectory: nil))
    }

    func testUserDirectoryFollowsXDG() {
        XCTAssertEqual(ThemeLoader.defaultUserDirectory(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u"]), "/cfg/factory/themes")
        XCTAssertEqual(ThemeLoader.defaultUserDirectory(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/home/u"]), "/home/u/.config/factory/themes")
        XCTAssertEqual(ThemeLoader.defaultUserDirectory(environment: ["HOME": "/home/u"]), "/home/u/.config/factory/themes")
        XCTAssertNil(ThemeLoader.defaultUserDirectory(environment: [:]))
    }

    // MARK: Helpers

    private static func isRGB(_ color: ThemeColor) -> Bool {
        if case .rgb = color { return true }
        return false
    }

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "theme-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
