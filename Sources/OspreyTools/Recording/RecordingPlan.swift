import Foundation
import OspreyCore

/// How a machine's command line becomes a recordable one: files it boots from are copied into
/// the recording, each disk goes behind a qcow2 overlay of the recording opened in snapshot
/// mode under QEMU's `blkreplay` driver (the user's image is only ever read), each `-netdev`
/// gets QEMU's `filter-replay`, and a machine with no network option gets `-nic none`.
///
/// Planning is pure (``make(options:architecture:workingDirectory:inspect:)``); copying and
/// creating overlays is ``materialize(in:)``.
public struct RecordingPlan: Sendable {
    /// The arguments for record and replay, relative to the recording directory.
    public var arguments: [String]
    public var drives: [RecordingManifest.Drive]
    /// Files to copy into the recording: (source, path inside the recording).
    public var copies: [(source: URL, target: String)]

    /// What a disk image is: its format and fingerprint. `inspect` answers it (qemu-img info
    /// and stat in real use).
    public struct ImageFacts: Sendable {
        public var format: String
        public var size: UInt64
        public var modified: Double
        public init(format: String, size: UInt64, modified: Double) {
            self.format = format
            self.size = size
            self.modified = modified
        }
    }

    /// Plans the recording of `options`. Paths are relative to `workingDirectory`. Throws
    /// with every reason the machine cannot be recorded.
    public static func make(
        options: [QemuOption], architecture: Architecture, workingDirectory: URL,
        inspect: (URL, String?) throws -> ImageFacts
    ) throws -> RecordingPlan {
        let problems = ReplayBlockers.problems(in: options)
        guard problems.isEmpty else {
            throw OspreyError("this machine cannot be recorded for a faithful replay:\n  " + problems.joined(separator: "\n  "))
        }
        var plan = RecordingPlan(arguments: [], drives: [], copies: [])
        var out: [QemuOption] = []
        var hasNetworkOption = false
        for option in options {
            switch option.name {
            case "kernel", "initrd", "dtb":
                let source = try existingFile(option.value ?? "", in: workingDirectory, role: option.name)
                out.append(QemuOption(option.name, plan.copy(source)))
            case "drive":
                out += try plan.drive(QemuKeyValues(option.value ?? ""), architecture: architecture, in: workingDirectory, inspect: inspect)
            case "hda", "hdb", "hdc", "hdd":
                let index = ["hda", "hdb", "hdc", "hdd"].firstIndex(of: option.name) ?? 0
                let spec = QemuKeyValues(pairs: [("file", option.value ?? ""), ("index", String(index))])
                out += try plan.drive(spec, architecture: architecture, in: workingDirectory, inspect: inspect)
            case "netdev":
                hasNetworkOption = true
                out.append(option)
                let settings = QemuKeyValues(option.value ?? "", impliedKey: "type")
                guard let id = settings["id"] else {
                    throw OspreyError("-netdev \(option.value ?? ""): give it an id= so Osprey can attach filter-replay")
                }
                out.append(QemuOption("object", "filter-replay,id=osprey-replay-\(id),netdev=\(id)"))
            case "nic", "net":
                hasNetworkOption = true
                out.append(option)
            default:
                out.append(option)
            }
        }
        if !hasNetworkOption { out.append(QemuOption("nic", "none")) }
        plan.arguments = QemuOption.arguments(out)
        return plan
    }

    /// Copies `source` into `files/` under a name not used yet; returns the relative path.
    private mutating func copy(_ source: URL) -> String {
        if let known = copies.first(where: { $0.source == source }) { return known.target }
        var name = "files/" + source.lastPathComponent
        var n = 2
        while copies.contains(where: { $0.target == name }) {
            name = "files/\(n)-" + source.lastPathComponent
            n += 1
        }
        copies.append((source, name))
        return name
    }

    /// The options that replace one `-drive`.
    private mutating func drive(
        _ spec: QemuKeyValues, architecture: Architecture, in directory: URL, inspect: (URL, String?) throws -> ImageFacts
    ) throws -> [QemuOption] {
        guard let file = spec["file"] else { return [QemuOption("drive", spec.text)] }  // an empty drive
        let image = try Self.existingFile(file, in: directory, role: "drive")
        let interface = spec["if"] ?? "default"
        if interface == "pflash", spec["readonly"] == "on" {
            // Firmware code: only read, so it needs no overlay; pinned by absolute path.
            var pairs = spec.pairs.filter { $0.key != "file" }
            pairs.insert(("file", image.path), at: 0)
            return [QemuOption("drive", QemuKeyValues(pairs: pairs).text)]
        }
        let facts = try inspect(image, spec["format"])
        let id = spec["id"] ?? "osprey-disk\(drives.count)"
        let overlay = "drives/\(Self.fileSafe(id)).qcow2"
        drives.append(RecordingManifest.Drive(
            id: id, image: image.path, format: facts.format, overlay: overlay, size: facts.size, modified: facts.modified))
        let kept = spec.pairs.filter { ["readonly", "cache", "discard", "detect-zeroes"].contains($0.key) }
        if interface == "pflash" {
            // Flash writes are synchronous device accesses: a snapshot overlay is enough.
            var pairs: [(key: String, value: String)] = [("file", overlay), ("format", "qcow2"), ("if", "pflash"), ("snapshot", "on")]
            pairs += spec.pairs.filter { $0.key == "unit" || $0.key == "index" } + kept
            return [QemuOption("drive", QemuKeyValues(pairs: pairs).text)]
        }
        let imageID = "osprey-img-\(id)"
        var result = [
            QemuOption("drive", QemuKeyValues(pairs: [("file", overlay), ("format", "qcow2"), ("if", "none"), ("id", imageID), ("snapshot", "on")] + kept).text),
            QemuOption("drive", "driver=blkreplay,if=none,image=\(imageID),id=\(id)"),
        ]
        switch interface {
        case "virtio": result.append(QemuOption("device", "virtio-blk-pci,drive=\(id)"))
        case "ide": result.append(QemuOption("device", "ide-hd,drive=\(id)"))
        case "default":
            result.append(QemuOption("device", architecture == .x86_64 ? "ide-hd,drive=\(id)" : "virtio-blk-pci,drive=\(id)"))
        default: break  // if=none: the user's own -device names the id
        }
        return result
    }

    private static func existingFile(_ path: String, in directory: URL, role: String) throws -> URL {
        guard !path.isEmpty else { throw OspreyError("-\(role) without a file name") }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw OspreyError("-\(role) \(path): \(url.path) does not exist")
        }
        return url.standardizedFileURL
    }

    private static func fileSafe(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    /// Copies the boot files and creates the overlays inside `directory` (qemu-img).
    public func materialize(in directory: URL) throws {
        let fm = FileManager.default
        for (source, target) in copies {
            let destination = directory.appendingPathComponent(target)
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try fm.copyItem(at: source, to: destination)
            } catch {
                throw OspreyError("cannot copy \(source.path) into the recording: \(error.localizedDescription)")
            }
        }
        for drive in drives {
            let overlay = directory.appendingPathComponent(drive.overlay)
            try fm.createDirectory(at: overlay.deletingLastPathComponent(), withIntermediateDirectories: true)
            try QemuImage.createOverlay(at: overlay, backing: URL(fileURLWithPath: drive.image), backingFormat: drive.format)
        }
    }
}
