import Foundation

/// Makes a recording self-contained: the files a machine parsed from the user's command line
/// names (the user's own, relative to `workingDirectory`) are copied into the recording, and
/// the description is rewritten to name the copies. The kernel, initrd, device tree and
/// `-bios` go to `files/`; each disk is flattened by `qemu-img convert` into
/// `drives/ID.qcow2` (a backing chain folded in, so the recording names no host path and can
/// be handed to someone else); read-only flash (firmware code) becomes `files/ID.fd` (raw).
enum RecordingFiles {
    static func copy(_ machine: MachineDescription, from workingDirectory: URL, into directory: URL) throws -> MachineDescription {
        let fm = FileManager.default
        var used: Set<String> = []
        func source(_ path: String, _ field: String) throws -> URL {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw OspreyError("\(field) \(path): \(url.path) does not exist or is not a file")
            }
            return url.standardizedFileURL
        }
        func target(_ folder: String, _ name: String) throws -> String {
            try fm.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
            let stem = ContainedPath.safeComponent(name)
            var candidate = "\(folder)/\(stem)"
            var n = 2
            while !used.insert(candidate).inserted {
                candidate = "\(folder)/\(n)-\(stem)"
                n += 1
            }
            return candidate
        }
        var copied = try machine.mappingFiles { field, path in
            guard !field.hasPrefix("drives[") else { return path }
            let from = try source(path, "-" + field)
            let to = try target("files", from.lastPathComponent)
            do {
                try fm.copyItem(at: from, to: directory.appendingPathComponent(to))
            } catch {
                throw OspreyError("cannot copy \(from.path) into the recording: \(error.localizedDescription)")
            }
            return to
        }
        for index in copied.drives.indices {
            let drive = copied.drives[index]
            let from = try source(drive.file, "-drive file=")
            let firmware = drive.interface == .pflash && drive.readonly
            let to = firmware ? try target("files", "\(drive.id).fd") : try target("drives", "\(drive.id).qcow2")
            try QemuImage.convert(from, format: drive.format, to: directory.appendingPathComponent(to), as: firmware ? "raw" : "qcow2")
            copied.drives[index].file = to
            copied.drives[index].format = firmware ? "raw" : "qcow2"
        }
        return copied
    }
}
