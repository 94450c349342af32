import Foundation

/// What one reading of a screen found.
public struct ScreenReading: Equatable, Sendable {
    public var state: ScreenState
    /// The rule that decided; nil when the state is unknown.
    public var rule: String?
    /// The line the rule matched, or why the state is unknown.
    public var saw: String
    /// The state stands by its rule's hold, not by this screen.
    public var held = false
    /// Since when this rule has read this prompt without a break (nil for unknown): a
    /// caller sends the answer keys once `keys.after` has passed since then.
    public var since: Double?
    /// The keys that answer what the screen asks (a waiting_input rule's `keys`).
    public var keys: AnswerKeys?
    /// What is being asked (the command, the file, the question), from the rule's `prompt`.
    public var prompt: String?

    public static func unknown(_ why: String) -> ScreenReading { ScreenReading(state: .unknown, saw: why) }
}

/// Reads one agent's screen after another, keeping what holds and staleness need: one reader
/// per pane. Times are seconds on a monotonic clock, given by the caller, so tests drive time.
public struct ScreenReader: Sendable {
    public let rules: ScreenRules
    /// The state shown by a rule, and when that rule last matched.
    private var shown: (rule: ScreenRule, reading: ScreenReading, matchedAt: Double)?
    /// When the last fresh screen was captured.
    private var capturedAt: Double?
    /// The last screen read, and when it last differed from the one before.
    private var previous: String?
    private var changedAt = 0.0
    private var last = ScreenReading.unknown("no screen read yet")

    public init(rules: ScreenRules) { self.rules = rules }

    /// Reads a screen captured at `capturedAt` (by default `now`). `cursorRow` (0 at the top,
    /// as tmux's `cursor_y`) is needed only by rules whose region is `cursor N`.
    public mutating func read(_ screen: String, cursorRow: Int? = nil, capturedAt: Double? = nil, now: Double) -> ScreenReading {
        let captured = capturedAt ?? now
        if now - captured > rules.staleAfter {
            return .unknown("the screen is \(Self.seconds(now - captured)) old")
        }
        self.capturedAt = max(captured, self.capturedAt ?? captured)
        if screen != previous {
            previous = screen
            changedAt = captured
        }
        let match = Self.match(screen, rules: rules, cursorRow: cursorRow, unchangedFor: now - changedAt)
        if let held = shown, now - held.matchedAt < held.rule.hold, match.map({ $0.rule.priority < held.rule.priority }) ?? true {
            var reading = held.reading
            reading.held = true
            last = reading
            return reading
        }
        if let (rule, found) = match {
            var reading = found
            let same = shown.map { $0.rule.name == rule.name && $0.reading.prompt == reading.prompt } ?? false
            reading.since = same ? shown?.reading.since : now
            shown = (rule, reading, now)
            last = reading
        } else {
            shown = nil
            last = .unknown("no rule matched")
        }
        return last
    }

    /// The last reading while a fresh screen keeps coming; unknown once none has been
    /// captured for the rules' `stale_after_ms` (a poller that stopped, a pane gone).
    public func current(now: Double) -> ScreenReading {
        guard let captured = capturedAt else { return last }
        guard now - captured <= rules.staleAfter else { return .unknown("no screen for \(Self.seconds(now - captured))") }
        return last
    }

    /// The rule of highest priority whose patterns are all on this screen, and what it read;
    /// nil when none is. No holds: one screen alone, the same for `unchangedFor` seconds.
    public static func match(_ screen: String, rules: ScreenRules, cursorRow: Int? = nil,
                             unchangedFor: Double = 0) -> (rule: ScreenRule, reading: ScreenReading)? {
        let lines = ScreenLines(screen)
        var regions = RegionCache(lines: lines, cursorRow: cursorRow)
        for rule in rules.rules {
            if let within = rule.changedWithin, unchangedFor > within { continue }
            guard let text = regions.text(rule.region), let seen = Self.find(rule, in: text) else { continue }
            var reading = ScreenReading(state: rule.state, rule: rule.name, saw: Self.line(around: seen, in: text.string), keys: rule.keys)
            if let prompt = rule.prompt, let at = regions.text(prompt.region) {
                reading.prompt = Self.extract(prompt.pattern, from: at)
            }
            return (rule, reading)
        }
        return nil
    }

    /// Where the rule's first pattern matched, if every `all` and one `any` pattern did.
    private static func find(_ rule: ScreenRule, in text: RegionText) -> Range<String.Index>? {
        var first: Range<String.Index>?
        for pattern in rule.all {
            guard let found = pattern.firstMatch(in: text) else { return nil }
            first = first ?? found
        }
        guard !rule.any.isEmpty else { return first }
        for pattern in rule.any {
            if let found = pattern.firstMatch(in: text) { return first ?? found }
        }
        return nil
    }

    private static func line(around range: Range<String.Index>, in text: String) -> String {
        text[text.lineRange(for: range)].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first capture group that took part in the match, each line trimmed.
    private static func extract(_ pattern: ScreenPattern, from text: RegionText) -> String? {
        guard let found = pattern.regex.firstMatch(in: text.string, options: [], range: NSRange(location: 0, length: text.length)) else { return nil }
        for group in 1..<found.numberOfRanges {
            guard let range = Range(found.range(at: group), in: text.string) else { continue }
            let lines = text.string[range].split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let kept = lines.drop { $0.isEmpty }.reversed().drop { $0.isEmpty }.reversed()
            return kept.isEmpty ? nil : kept.joined(separator: "\n")
        }
        return nil
    }

    private static func seconds(_ interval: Double) -> String {
        String(format: "%.1f s", interval)
    }
}

/// Each region's text built once per screen, however many rules look at it.
private struct RegionCache {
    let lines: ScreenLines
    let cursorRow: Int?
    private var built: [(region: ScreenRegion, text: RegionText?)] = []

    init(lines: ScreenLines, cursorRow: Int?) {
        self.lines = lines
        self.cursorRow = cursorRow
    }

    mutating func text(_ region: ScreenRegion) -> RegionText? {
        if let done = built.first(where: { $0.region == region }) { return done.text }
        let text = lines.text(of: region, cursorRow: cursorRow)
        built.append((region, text))
        return text
    }
}
