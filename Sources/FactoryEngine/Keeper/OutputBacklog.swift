/// The agent's output the keeper still holds for the clients that follow it live: each
/// byte has its place in the run's output (0 is the first), so a client that reads more
/// slowly than the agent writes — or connects after its first words — is sent every byte
/// in order, from where it stands, instead of being cut off.
struct OutputBacklog {
    struct Chunk {
        var start: Int
        var stream: KeeperMessage.Stream
        var bytes: [UInt8]
        var end: Int { start + bytes.count }
    }

    /// At most this much is held; past it, reading pauses for a client that needs the
    /// oldest bytes (or that client is skipped ahead, when it has stopped reading).
    let capacity: Int
    private(set) var chunks: [Chunk] = []
    /// The place of the next byte the agent writes.
    private(set) var end = 0
    private(set) var size = 0

    init(capacity: Int) { self.capacity = capacity }

    /// The place of the oldest byte held.
    var start: Int { chunks.first?.start ?? end }

    var isFull: Bool { size >= capacity }

    /// Small pieces of one stream join the last chunk: an agent writing a line at a time
    /// makes few chunks.
    static let joinBelow = 64 * 1024

    mutating func append(_ bytes: UnsafeRawBufferPointer, _ stream: KeeperMessage.Stream) {
        guard bytes.count > 0 else { return }
        if let last = chunks.indices.last, chunks[last].stream == stream, chunks[last].bytes.count < Self.joinBelow {
            chunks[last].bytes.append(contentsOf: bytes)
        } else {
            chunks.append(Chunk(start: end, stream: stream, bytes: Array(bytes)))
        }
        end += bytes.count
        size += bytes.count
    }

    /// Lets go of what no client needs: everything before `needed`, the place of the
    /// oldest byte a client still has to be sent. With no such client (nil), the last
    /// `capacity` bytes are kept, for a client yet to connect.
    mutating func release(before needed: Int?) {
        while let first = chunks.first, needed.map({ first.end <= $0 }) ?? (size - first.bytes.count >= capacity) {
            size -= first.bytes.count
            chunks.removeFirst()
        }
    }

    /// The bytes from place `offset` to the end of the chunk that holds it, at most `limit`
    /// of them, and the place after them; nil when nothing is held from there on.
    func piece(from offset: Int, limit: Int) -> (stream: KeeperMessage.Stream, bytes: ArraySlice<UInt8>, next: Int)? {
        // The first chunk that ends after `offset` (chunks are in order: a binary search).
        var low = 0, high = chunks.count
        while low < high {
            let mid = (low + high) / 2
            if chunks[mid].end > offset { high = mid } else { low = mid + 1 }
        }
        guard low < chunks.count else { return nil }
        let chunk = chunks[low]
        let from = max(offset, chunk.start) - chunk.start
        let to = min(chunk.bytes.count, from + limit)
        return (chunk.stream, chunk.bytes[from..<to], chunk.start + to)
    }
}
