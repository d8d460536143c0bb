/// How large inputs are read: in chunks that overlap, so that a secret lying across a chunk
/// boundary is whole in the next chunk, and each match is reported by exactly one chunk.
///
/// A chunk reports matches that start before `end - overlap / 2`; the next chunk starts
/// `overlap` bytes before the previous end. Any match up to ``maximumMatchLength`` long is
/// therefore whole in the chunk that reports it, with at least as much context before it.
enum Chunking {
    static let chunkSize = 4 << 20
    static let overlap = 64 << 10
    static let maximumMatchLength = overlap / 2
}
