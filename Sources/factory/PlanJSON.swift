import PlanDocument

/// The JSON contract of `factory plan --json` (README "`factory plan --json`"), written by
/// hand: byte for byte what `Inert.json(view, pretty: true)` gives through `PlanView`'s
/// `Encodable`, several times faster on a big PLAN.md. Keys are written in sorted order.
enum PlanJSON {
    /// The whole view, pretty-printed, on standard output in big writes.
    static func print(_ view: PlanView) {
        var w = JSONWriter(pretty: true) { writeAll($0) }
        write(view, into: &w)
        w.drain()
        writeAll([0x0A])
    }

    static func write(_ view: PlanView, into w: inout JSONWriter) {
        w.beginObject()
        w.objects("changeLog", view.changeLog) { w, e in
            w.member("by", e.by); w.member("change", e.change); w.member("date", e.date); w.member("line", e.line)
        }
        w.objects("checkpoints", view.checkpoints) { w, c in
            w.objects("items", c.items) { w, item in
                w.member("done", item.done); w.member("line", item.line); w.member("text", item.text)
            }
            w.member("line", c.line)
            if let number = c.number { w.member("number", number) }
            w.member("title", c.title)
        }
        w.objects("diagnostics", view.diagnostics) { w, d in
            w.member("line", d.line); w.member("message", d.message); w.member("severity", d.severity.rawValue)
        }
        w.key("fields")
        w.beginObject()
        // The first field of each name, as the Encodable form keeps them in a dictionary.
        var byName: [String: String] = [:]
        for f in view.fields where byName[f.name] == nil { byName[f.name] = f.value }
        for name in byName.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            w.key(name)
            w.string(byName[name]!)
        }
        w.endObject()
        w.array("messages", view.messages) { w, m in message(m, into: &w) }
        w.member("sections", view.sections)
        w.objects("taskTables", view.taskTables) { w, t in
            w.member("columns", t.columns); w.member("lastLine", t.lastLine); w.member("line", t.line); w.member("section", t.section)
        }
        w.objects("tasks", view.tasks) { w, t in
            w.member("agent", t.agent); w.member("cells", t.cells); w.member("dependsOn", t.dependsOn)
            w.member("description", t.description); w.member("id", t.id); w.member("line", t.line)
            w.member("priority", t.priority); w.member("status", t.status.rawValue); w.member("statusText", t.statusText)
            w.member("table", t.table)
        }
        w.objects("verdicts", view.verdicts) { w, v in
            w.member("kind", v.kind.rawValue); w.member("line", v.line); w.member("subject", v.subject)
            w.member("text", v.text); w.member("verdict", v.verdict)
        }
        w.endObject()
    }

    /// One message as `Inert.json(message)` gives it: body, from, line, time, to.
    static func message(_ m: PlanMessage, into w: inout JSONWriter) {
        w.beginObject()
        w.member("body", m.body); w.member("from", m.from); w.member("line", m.line); w.member("time", m.time); w.member("to", m.to)
        w.endObject()
    }
}
