import Foundation

/// The checks a qcow2 image of a recording or guest directory must pass before QEMU opens it,
/// made by reading its header here (never by asking `qemu-img` about a hostile file): a
/// qcow2 image can name other files (a backing file, an external data file), which QEMU
/// would open on the host. Only the first cluster is read; every offset is bounded, so a
/// malformed header gives an error, never a trap.
public enum QcowHeader {
    static let magic: [UInt8] = [0x51, 0x46, 0x49, 0xFB]  // "QFI\xfb"
    /// Incompatible feature bit 2: the guest data lives in an external file.
    static let externalDataFeature: UInt64 = 1 << 2
    /// Header extension naming the external data file.
    static let dataFileExtension: UInt32 = 0x4441_5441
    /// The largest first cluster read (QEMU's maximum cluster size, 2 MiB).
    static let maximumClusterBits: UInt32 = 21

    /// Why the image file at `url` may not be opened, or nil.
    public static func problem(inFileAt url: URL) -> String? {
        do {
            let (bytes, _) = try BoundedFile.prefix(url, count: 1 << Int(maximumClusterBits))
            return problem(in: bytes)
        } catch {
            return error.reason
        }
    }

    /// Why `bytes` (the start of an image: its header and first cluster) are not a qcow2 image
    /// that names no other file, or nil.
    public static func problem(in bytes: [UInt8]) -> String? {
        guard bytes.count >= 72 else { return "is not a qcow2 image (shorter than a qcow2 header)" }
        guard Array(bytes[0..<4]) == magic else { return "is not a qcow2 image (no QFI\\xfb magic)" }
        let version = be32(bytes, 4)
        guard version == 2 || version == 3 else { return "is a qcow2 image of version \(version) (2 or 3 expected)" }
        guard be64(bytes, 8) == 0, be32(bytes, 16) == 0 else {
            return "is a qcow2 image with a backing file (QEMU would open another file); a recording's images stand alone"
        }
        let clusterBits = be32(bytes, 20)
        guard (9...maximumClusterBits).contains(clusterBits) else { return "is a qcow2 image with a bad cluster size" }
        guard be32(bytes, 32) == 0 else { return "is an encrypted qcow2 image" }
        var extensionsStart = 72
        if version == 3 {
            guard bytes.count >= 104 else { return "is a truncated qcow2 version 3 header" }
            if be64(bytes, 72) & externalDataFeature != 0 {
                return "is a qcow2 image whose data is in an external file (QEMU would open another file)"
            }
            let headerLength = Int(be32(bytes, 100))
            guard headerLength >= 104, headerLength <= 1 << Int(clusterBits) else { return "is a qcow2 image with a bad header length" }
            extensionsStart = headerLength
        }
        // Header extensions: (type, length, data padded to 8 bytes) up to type 0 or the end of the
        // first cluster, as QEMU reads them (past the end of a short file it reads zeros: the end).
        let clusterEnd = min(bytes.count, 1 << Int(clusterBits))
        var offset = extensionsStart
        for _ in 0..<4096 {
            guard offset + 8 <= clusterEnd else { return nil }
            let type = be32(bytes, offset)
            let length = Int(be32(bytes, offset + 4))
            if type == 0 { return nil }
            if type == dataFileExtension { return "is a qcow2 image naming an external data file (QEMU would open another file)" }
            let padded = (length + 7) & ~7
            guard padded <= clusterEnd - offset - 8 else { return "is a qcow2 image with a header extension past its first cluster" }
            offset += 8 + padded
        }
        return "is a qcow2 image with too many header extensions"
    }

    static func be32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        return bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func be64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return 0 }
        return bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
