import Foundation

/// Adds a rule to a role file's `allow:` list, the way a person would: the one line (or list
/// item) that holds the list changes, everything else in the file — comments, order, the
/// instructions — stays byte for byte. An `allow:` list written in a shape this does not
/// know is left alone (nil): the human's file is never rewritten wholesale.
enum RoleFileEdit {
    /// The file's text with `rule` in its `allow:` list; the text unchanged when the rule is
    /// there already; nil when the list has a shape it cannot extend safely, or when the
    /// result would not read back as the same role with the rule added.
    static func addingAllowRule(_ rule: String, role: String, to text: String) -> String? {
        guard let before = try? RoleDefinition.parse(role: role, text: text) else { return nil }
        if before.policy.allow.contains(rule) { return text }
        guard let edited = insert(quoted(rule), into: text),
              let after = try? RoleDefinition.parse(role: role, text: edited) else { return nil }
        var expected = before
        expected.policy.allow.append(rule)
        return after == expected ? edited : nil
    }

    /// A YAML double-quoted scalar: JSON's string syntax is one, so any rule text survives.
    static func quoted(_ rule: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? String(decoding: encoder.encode(rule), as: UTF8.self)) ?? "\"\(rule)\""
    }

    private static func insert(_ item: String, into text: String) -> String? {
        // Lines keep their CR, and a line added to a CRLF file ends like its neighbours.
        var lines = text.linesAtLF
        let cr = text.contains("\r\n") ? "\r" : ""
        guard lines.first.map({ Substring($0).trimmingTrailingCR() == "---" }) == true,
              let close = lines.indices.dropFirst().first(where: { Substring(lines[$0]).trimmingTrailingCR() == "---" }) else {
            return "---\(cr)\nallow: [\(item)]\(cr)\n---\(cr)\n" + text
        }
        guard let at = (1..<close).first(where: { lines[$0].hasPrefix("allow:") }) else {
            lines.insert("allow: [\(item)]" + cr, at: close)
            return lines.joined(separator: "\n")
        }
        let value = lines[at].dropFirst("allow:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        if value.hasPrefix("["), value.hasSuffix("]") {
            // A flow list on one line: the item goes before its closing bracket.
            let inner = value.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            lines[at] = "allow: [" + (inner.isEmpty ? item : inner + ", " + item) + "]" + cr
            return lines.joined(separator: "\n")
        }
        guard value.isEmpty || value.hasPrefix("#") else { return nil }
        // A block list: a new `- item` after its last item, indented like the others.
        var last = at
        var indent = "  "
        for index in (at + 1)..<close {
            let line = lines[index]
            let trimmed = Substring(line).trimmingTrailingCR().drop(while: { $0 == " " })
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                last = index
                indent = String(line.prefix(while: { $0 == " " }))
            } else if !(trimmed.isEmpty || trimmed.hasPrefix("#")) {
                break
            }
        }
        lines.insert(indent + "- " + item + cr, at: last + 1)
        return lines.joined(separator: "\n")
    }
}
