import Foundation
import OspreyCore

/// Reads a file line by line in fixed-size chunks, never holding more than one line (at most
/// ``maximumLineLength`` bytes) plus one chunk: a trace of any size, or a hostile one (a
/// line without end, a FIFO, `/dev/zero`), costs bounded memory. Longer lines are reported as
/// too long and skipped, not read.
public struct TraceLineReader {
    /// Lines longer than this (no trace line Osprey writes comes near it) are skipped.
    public static let maximumLineLength = 16 << 20
    static let chunkSize = 1 << 20

    /// One line: its number (from 1) and its bytes without the newline, or nil when it was
    /// longer than the limit.
    public typealias Line = (number: Int, bytes: ArraySlice<UInt8>?)

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var number = 0
    private var skipping = false

    /// Opens `url`: a regular file (not a directory, FIFO or device), or an error naming it.
    public init(url: URL) throws {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw OspreyError("cannot read \(url.path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw OspreyError("\(url.path) is not a regular file")
        }
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw OspreyError("cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    /// The next line, or nil at the end of the file. A last line without a newline counts.
    public mutating func next() throws -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                number += 1
                let line = buffer[start..<newline]
                start = newline + 1
                if skipping {
                    skipping = false
                    return (number, nil)
                }
                return (number, line)
            }
            if buffer.count - start > Self.maximumLineLength {
                // Too long: forget it and read on to its end.
                skipping = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if atEnd {
                guard start < buffer.count || skipping else { return nil }
                number += 1
                let line = buffer[start...]
                start = buffer.count
                if skipping {
                    skipping = false
                    return (number, nil)
                }
                return (number, line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let data: Data
            do {
                data = try handle.read(upToCount: Self.chunkSize) ?? Data()
            } catch {
                throw OspreyError("reading failed after line \(number): \(error.localizedDescription)")
            }
            if data.isEmpty { atEnd = true } else { buffer.append(contentsOf: data) }
        }
    }
}
