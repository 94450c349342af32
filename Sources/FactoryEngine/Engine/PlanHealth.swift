import PlanDocument

/// Is PLAN.md whole? A file cut short by an editor or an agent parses without errors (any
/// bytes do), so the engine checks that what the pipeline reads is there at all.
enum PlanHealth {
    static func problem(_ doc: PlanDocument, path: String, featureStarted: Bool) -> String? {
        if doc.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return "\(path) is empty"
        }
        // With no feature started the file may be anyone's; once one runs, the gates read
        // the task table and the approval checkpoint.
        guard featureStarted else { return nil }
        if doc.view.taskTables.isEmpty { return "\(path) has no task table (cut short?); the pipeline waits until it is restored" }
        if doc.view.checkpoints.isEmpty { return "\(path) has no checkpoints (cut short?); the pipeline waits until they are restored" }
        return nil
    }
}
