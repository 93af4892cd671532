import Foundation
import OspreyCore
import OspreyTools
import Testing

/// Recordings and guest directories are hostile input: each of these is refused with its
/// reason before anything runs. The built `osprey` runs under `strace -f` for each one, and
/// the test checks that it executed nothing (no execve but its own), opened no file of the
/// canary directory outside the recording (which the hostile files point at), opened nothing
/// for writing, and read little; and that no script (a hostile `qemu_binary`, or a fake QEMU
/// first on PATH) left its marker. A control run of a well-formed recording with the fake
/// QEMU on PATH shows that the harness sees an execution when there is one.
@Suite("Hostile recordings and guest directories", .serialized)
struct HostileRecordingTests {
    @Test("a hostile recording is refused with its reason, and nothing runs or is touched outside it", arguments: HostileCase.recordings)
    func hostileRecording(_ hostile: HostileCase) throws {
        let bench = try HostileBench(hostile.name)
        try bench.makeRecording()
        try hostile.mutate(bench)
        let run = try bench.osprey(["replay", bench.recording.path, "--out", bench.output.path])
        try bench.expectRefused(run, reason: hostile.reason)
    }

    @Test("a hostile guest directory is refused with its reason, and nothing runs or is touched outside it", arguments: HostileCase.guests)
    func hostileGuest(_ hostile: HostileCase) throws {
        let bench = try HostileBench(hostile.name)
        try bench.makeGuest()
        try hostile.mutate(bench)
        let run = try bench.osprey(["trace", "--guest", bench.guest.path, "--out", bench.output.path])
        try bench.expectRefused(run, reason: hostile.reason)
    }

    @Test("a machine that reaches the host is refused by osprey record before anything runs or is copied")
    func hostileMachineIsNotRecorded() throws {
        let bench = try HostileBench("record")
        let secret = bench.canary.appendingPathComponent("secret").path
        let out = bench.root.appendingPathComponent("new-recording")
        let run = try bench.osprey([
            "record", "--out", out.path, "--", "qemu-system-x86_64", "-kernel", secret, "-serial", "file:\(bench.canary.path)/out",
            "-device", "loader,file=\(secret)", "-netdev", "user,id=n0,guestfwd=tcp:10.0.2.1:80-cmd:touch \(bench.marker.path)",
        ])
        #expect(run.status == 1)
        for reason in ["-serial file:", "device loader loads a host file", "netdev setting guestfwd"] {
            #expect(run.stderr.contains(reason), "\(run.stderr)")
        }
        #expect(run.log.executed.count == 1, "\(run.log.executed)")
        #expect(run.log.opened.filter { $0.path.hasPrefix(bench.canary.path) || $0.forWriting }.isEmpty, "\(run.log.opened)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(!FileManager.default.fileExists(atPath: bench.marker.path))
    }

    @Test("control: a well-formed recording does start the QEMU found on PATH, and the harness sees it")
    func controlRunIsSeen() throws {
        let bench = try HostileBench("control")
        try bench.makeRecording()
        let run = try bench.osprey(["replay", bench.recording.path, "--out", bench.output.path, "--", "-d", "guest_errors"])
        #expect(run.status != 0)
        let executed = run.log.executed.map(\.path)
        #expect(executed.contains(bench.fakeBin.appendingPathComponent("qemu-system-x86_64").path), "\(executed)")
        let marker = try String(contentsOf: bench.marker, encoding: .utf8)
        #expect(marker.contains("-icount shift=3,rr=replay,rrfile=replay.bin -d guest_errors"), "\(marker)")
        #expect(marker.contains("-serial stdio -monitor none"))
        #expect(!marker.contains(bench.canary.path))
    }
}

/// One row of the table: a change that makes the baseline recording or guest hostile, and a
/// word of the reason osprey must give.
struct HostileCase: Sendable, CustomTestStringConvertible {
    let name: String
    let reason: String
    let mutate: @Sendable (HostileBench) throws -> Void
    var testDescription: String { name }

    /// Sets a member of the manifest (a path of keys; `machine.drives.0.file`).
    static func manifest(_ name: String, _ reason: String, _ path: String, _ value: @escaping @Sendable (HostileBench) -> Any) -> HostileCase {
        HostileCase(name: name, reason: reason) { bench in try bench.editManifest { set(&$0, path.split(separator: ".").map(String.init), value(bench)) } }
    }

    static func set(_ object: inout [String: Any], _ keys: [String], _ value: Any) {
        guard let key = keys.first else { return }
        if keys.count == 1 {
            object[key] = value
        } else if var array = object[key] as? [Any], let index = Int(keys[1]), index < array.count, var element = array[index] as? [String: Any] {
            set(&element, Array(keys.dropFirst(2)), value)
            array[index] = element
            object[key] = array
        } else {
            var inner = object[key] as? [String: Any] ?? [:]
            set(&inner, Array(keys.dropFirst()), value)
            object[key] = inner
        }
    }

    static let dangerousOptions = [
        "-plugin", "/tmp/evil.so", "-serial", "file:/root/.bashrc", "-chardev", "file,id=c,path=/root/.bashrc",
        "-drive", "file=/etc/shadow", "-virtfs", "local,path=/,mount_tag=h,security_model=none", "-monitor", "unix:/tmp/m,server",
        "-incoming", "exec:id", "-object", "memory-backend-file,id=m,mem-path=/etc/shadow,size=1G", "-machine", "dumpdtb=/root/x",
        "-device", "loader,file=/etc/shadow", "-netdev", "user,id=n,guestfwd=tcp:10.0.2.1:80-cmd:id,smb=/,tftp=/",
        "-netdev", "tap,id=t,script=/tmp/evil.sh", "-L", "/tmp", "-bios", "/etc/shadow",
    ]

    static let recordings: [HostileCase] = [
        HostileCase(name: "format 1 running a shell", reason: "made by an older Osprey") { bench in
            try bench.writeManifest(["format": "osprey-recording/1", "architecture": "x86_64", "qemu_binary": bench.evilScript.path,
                                     "arguments": ["-c", "touch \(bench.marker.path)"], "icount": "shift=3", "owns_console": true,
                                     "qemu_version": "", "record_command": ""])
        },
        HostileCase(name: "format 1 with every dangerous option", reason: "made by an older Osprey") { bench in
            try bench.writeManifest(["format": "osprey-recording/1", "architecture": "x86_64", "qemu_binary": "qemu-system-x86_64",
                                     "arguments": dangerousOptions, "icount": "shift=3", "owns_console": true])
        },
        manifest("another binary", "qemu_binary: is not a field of this format", "qemu_binary") { $0.evilScript.path },
        manifest("a command line", "arguments: is not a field of this format", "arguments") { _ in dangerousOptions },
        manifest("-plugin", "machine.plugin: is not a field", "machine.plugin") { $0.canary.appendingPathComponent("evil.so").path },
        manifest("-serial file:", "machine.serial: is not a field", "machine.serial") { _ in "file:/root/.bashrc" },
        manifest("-chardev file", "machine.chardev: is not a field", "machine.chardev") { "file,id=c,path=\($0.canary.path)/out" },
        manifest("-virtfs", "machine.virtfs: is not a field", "machine.virtfs") { "local,path=\($0.canary.path),mount_tag=h" },
        manifest("-monitor unix:", "machine.monitor: is not a field", "machine.monitor") { "unix:\($0.canary.path)/m,server" },
        manifest("-incoming exec:", "machine.incoming: is not a field", "machine.incoming") { "exec:touch \($0.marker.path)" },
        manifest("-object memory-backend-file", "machine.properties.memory-backend", "machine.properties") { _ in ["memory-backend": "m0"] },
        manifest("-object in the machine", "machine.objects: is not a field", "machine.objects") { "memory-backend-file,id=m0,mem-path=\($0.canary.path)/secret" },
        manifest("-machine dumpdtb=", "machine.properties.dumpdtb: machine property dumpdtb writes", "machine.properties") { ["dumpdtb": "\($0.canary.path)/out.dtb"] },
        manifest("-device loader,file=", "machine.devices[0].driver: device loader loads a host file", "machine.devices") {
            [["driver": "loader", "properties": ["file": "\($0.canary.path)/secret", "addr": "0x1000"]]]
        },
        manifest("-device e1000,romfile=", "machine.devices[0].properties.romfile", "machine.devices") {
            [["driver": "e1000", "properties": ["romfile": "\($0.canary.path)/secret"]]]
        },
        manifest("-netdev user,guestfwd=...cmd:", "machine.netdevs[0].options.guestfwd", "machine.netdevs") {
            [["id": "n0", "type": "user", "options": ["guestfwd": "tcp:10.0.2.100:80-cmd:touch \($0.marker.path)"]]]
        },
        manifest("-netdev user,smb=", "machine.netdevs[0].options.smb", "machine.netdevs") { [["id": "n0", "type": "user", "options": ["smb": $0.canary.path]]] },
        manifest("-netdev user,tftp=", "machine.netdevs[0].options.tftp", "machine.netdevs") { [["id": "n0", "type": "user", "options": ["tftp": $0.canary.path]]] },
        manifest("-netdev user,bootfile=", "machine.netdevs[0].options.bootfile", "machine.netdevs") { [["id": "n0", "type": "user", "options": ["bootfile": "\($0.canary.path)/secret"]]] },
        manifest("-netdev user,hostfwd=", "machine.netdevs[0].options.hostfwd", "machine.netdevs") { _ in [["id": "n0", "type": "user", "options": ["hostfwd": "tcp::2222-:22"]]] },
        manifest("-netdev tap,script=", "machine.netdevs[0].type: netdev type tap", "machine.netdevs") { [["id": "n0", "type": "tap", "options": ["script": $0.evilScript.path]]] },
        manifest("-L", "machine.L: is not a field", "machine.L") { $0.canary.path },
        manifest("-bios outside the recording", "machine.bios: /", "machine.bios") { "\($0.canary.path)/secret" },
        manifest("an absolute kernel", "is an absolute path", "machine.kernel") { "\($0.canary.path)/secret" },
        manifest("a .. kernel", "machine.kernel: ../", "machine.kernel") { "../\($0.canary.lastPathComponent)/secret" },
        manifest("an absolute drive (-drive file=/etc/shadow)", "machine.drives[0].file:", "machine.drives.0.file") { "\($0.canary.path)/secret.qcow2" },
        manifest("a vmdk drive (extents name host files)", "machine.drives[0].format: vmdk is not qcow2 or raw", "machine.drives.0.format") { _ in "vmdk" },
        manifest("an id that injects an option", "machine.drives[0].id:", "machine.drives.0.id") { "root,file=\($0.canary.path)/secret" },
        manifest("a property value that injects an option", "machine.devices[0].properties.drive:", "machine.devices") {
            [["driver": "virtio-blk-pci", "properties": ["drive": "root,file=\($0.canary.path)/secret"]]]
        },
        manifest("an icount that injects rrfile=", "icount_shift: is not a whole number", "icount_shift") { "3,rrfile=\($0.canary.path)/secret" },
        manifest("an extra unknown field", "comment: is not a field of this format", "comment") { _ in "hello" },
        manifest("an accelerator other than TCG", "machine.properties.accel", "machine.properties") { _ in ["accel": "kvm"] },
        HostileCase(name: "a kernel that is a link out of the recording", reason: "machine.kernel: files/vmlinuz leads out of the directory") { bench in
            try bench.link("files/vmlinuz", to: bench.canary.appendingPathComponent("secret").path)
        },
        HostileCase(name: "a drive that is a link out of the recording", reason: "machine.drives[0].file: drives/root.qcow2 leads out") { bench in
            try bench.link("drives/root.qcow2", to: bench.canary.appendingPathComponent("secret.qcow2").path)
        },
        HostileCase(name: "a drive that is a link to /dev/zero", reason: "leads out of the directory") { bench in
            try bench.link("drives/root.qcow2", to: "/dev/zero")
        },
        HostileCase(name: "a drive that is a FIFO", reason: "is not a regular file (a FIFO)") { bench in
            try bench.remove("drives/root.qcow2")
            guard mkfifo(bench.recording.path + "/drives/root.qcow2", 0o644) == 0 else { throw OspreyError("mkfifo") }
        },
        HostileCase(name: "a qcow2 drive backed by a host file", reason: "with a backing file") { bench in
            try bench.remove("drives/root.qcow2")
            try bench.qemuImg(["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", bench.canary.appendingPathComponent("secret.qcow2").path,
                               bench.recording.appendingPathComponent("drives/root.qcow2").path])
        },
        HostileCase(name: "a qcow2 drive with an external data file", reason: "external") { bench in
            try bench.remove("drives/root.qcow2")
            try bench.qemuImg(["create", "-q", "-f", "qcow2", "-o", "data_file=\(bench.canary.path)/data.raw",
                               bench.recording.appendingPathComponent("drives/root.qcow2").path, "1M"])
        },
        HostileCase(name: "a replay log that is a link out", reason: "replay.bin is not usable") { bench in
            try bench.link(RecordingManifest.logName, to: bench.canary.appendingPathComponent("secret").path)
        },
        HostileCase(name: "a manifest that is a link out", reason: "manifest.json leads out of the directory") { bench in
            let outside = bench.canary.appendingPathComponent("manifest.json")
            try FileManager.default.copyItem(at: bench.recording.appendingPathComponent("manifest.json"), to: outside)
            try bench.link("manifest.json", to: outside.path)
        },
        HostileCase(name: "a manifest that is a FIFO", reason: "is not a regular file (a FIFO)") { bench in
            try bench.remove("manifest.json")
            guard mkfifo(bench.recording.path + "/manifest.json", 0o644) == 0 else { throw OspreyError("mkfifo") }
        },
        HostileCase(name: "a truncated manifest", reason: "manifest.json: is not valid JSON:") { bench in
            let text = try String(contentsOf: bench.recording.appendingPathComponent("manifest.json"), encoding: .utf8)
            try Data(text.prefix(text.count / 2).utf8).write(to: bench.recording.appendingPathComponent("manifest.json"))
        },
        HostileCase(name: "a 1 GB manifest (sparse)", reason: "is 1073741824 bytes, more than the 1048576") { bench in
            guard truncate(bench.recording.path + "/manifest.json", 1 << 30) == 0 else { throw OspreyError("truncate") }
        },
        HostileCase(name: "a manifest with a member given twice", reason: "owns_console: is given twice") { bench in
            let url = bench.recording.appendingPathComponent("manifest.json")
            let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"owns_console\":", with: "\"owns_console\": false, \"owns_console\":")
            try Data(text.utf8).write(to: url)
        },
    ]

    static let guests: [HostileCase] = [
        HostileCase(name: "format 1 guest.json running a shell", reason: "rebuild the guest with `osprey guest build`") { bench in
            try bench.writeGuestJSON(["format": "osprey-guest/1", "architecture": "x86_64", "kernel": "vmlinuz", "initrd": "initramfs.cpio",
                                      "console": "ttyS0", "packages": [], "qemuBinary": bench.evilScript.path,
                                      "qemuArgs": ["-c", "touch \(bench.marker.path)"]])
        },
        HostileCase(name: "a guest.json with a command line", reason: "qemuArgs: is not a field of this format") { bench in
            try bench.editGuestJSON { $0["qemuArgs"] = ["-serial", "file:/root/.bashrc"] }
        },
        HostileCase(name: "a guest kernel outside the directory", reason: "kernel: ") { bench in
            try bench.editGuestJSON { $0["kernel"] = bench.canary.appendingPathComponent("secret").path }
        },
        HostileCase(name: "a guest disk that is a link out", reason: "disk: disk.qcow2 leads out of the directory") { bench in
            try FileManager.default.createSymbolicLink(atPath: bench.guest.path + "/disk.qcow2", withDestinationPath: bench.canary.path + "/secret.qcow2")
            try bench.editGuestJSON { $0["disk"] = "disk.qcow2" }
        },
    ]
}

/// The scratch space of one hostile case: a recording and a guest directory to spoil, a
/// canary directory outside them with the files hostile manifests point at, a fake QEMU first
/// on PATH and a hostile script, both of which would write the marker if run.
struct HostileBench {
    let root: URL
    var recording: URL { root.appendingPathComponent("recording") }
    var guest: URL { root.appendingPathComponent("guest") }
    var canary: URL { root.appendingPathComponent("canary") }
    var fakeBin: URL { root.appendingPathComponent("bin") }
    var marker: URL { root.appendingPathComponent("MARKER") }
    var output: URL { root.appendingPathComponent("out/trace.jsonl") }
    var evilScript: URL { canary.appendingPathComponent("evil.sh") }

    init(_ name: String) throws {
        root = try Fixtures.scratch("hostile-" + ContainedPath.safeComponent(name))
        let fm = FileManager.default
        for dir in [recording, canary, fakeBin] { try fm.createDirectory(at: dir, withIntermediateDirectories: true) }
        let script = "#!/bin/sh\necho \"$0 $*\" >> \(marker.path)\nexit 1\n"
        for url in [evilScript] + ["qemu-system-x86_64", "qemu-system-aarch64", "qemu-img"].map(fakeBin.appendingPathComponent) {
            try Data(script.utf8).write(to: url)
            guard chmod(url.path, 0o755) == 0 else { throw OspreyError("chmod \(url.path)") }
        }
        try Data("canary: no one may read this\n".utf8).write(to: canary.appendingPathComponent("secret"))
        try qemuImg(["create", "-q", "-f", "qcow2", canary.appendingPathComponent("secret.qcow2").path, "1M"])
    }

    /// A well-formed recording: a q35 machine with a kernel, initrd and qcow2 disk of its own.
    func makeRecording() throws {
        try write("files/vmlinuz", in: recording)
        try write("files/initramfs.cpio", in: recording)
        try write(RecordingManifest.logName, in: recording, "")
        try FileManager.default.createDirectory(at: recording.appendingPathComponent("drives"), withIntermediateDirectories: true)
        try qemuImg(["create", "-q", "-f", "qcow2", recording.appendingPathComponent("drives/root.qcow2").path, "1M"])
        var machine = MachineDescription(architecture: .x86_64)
        machine.machineType = "q35"
        machine.memoryMiB = 512
        machine.flags = [.nodefaults, .noReboot]
        machine.kernel = "files/vmlinuz"
        machine.initrd = "files/initramfs.cpio"
        machine.append = "console=ttyS0 panic=-1 quiet"
        machine.drives = [.init(id: "root", file: "drives/root.qcow2", format: "qcow2", interface: .none)]
        machine.devices = [.init(driver: "virtio-blk-pci", properties: QemuKeyValues(pairs: [("drive", "root")]))]
        var manifest = RecordingManifest(machine: machine, icountShift: 3, ownsConsole: true)
        manifest.facts.outcome = "the guest powered off (scenario status 0)"
        manifest.facts.instructions = 1000
        try manifest.save(to: recording)
        _ = try RecordingManifest.load(from: recording)  // the baseline itself is accepted
    }

    /// A well-formed guest directory, as the guest kit writes it.
    func makeGuest() throws {
        try FileManager.default.createDirectory(at: guest, withIntermediateDirectories: true)
        try write("vmlinuz", in: guest)
        try write("initramfs.cpio", in: guest)
        try writeGuestJSON([
            "format": "osprey-guest/2", "architecture": "x86_64", "machine": "q35", "memoryMiB": 512, "kernel": "vmlinuz",
            "initrd": "initramfs.cpio", "append": "console=ttyS0 panic=-1 quiet", "console": "ttyS0", "packages": [],
        ])
        _ = try QemuInvocation.guest(at: guest)  // the baseline itself is accepted
    }

    func write(_ path: String, in dir: URL, _ text: String = "x") throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func writeManifest(_ object: [String: Any]) throws { try Self.write(object, to: recording.appendingPathComponent("manifest.json")) }
    func editManifest(_ change: (inout [String: Any]) -> Void) throws { try Self.edit(recording.appendingPathComponent("manifest.json"), change) }
    func writeGuestJSON(_ object: [String: Any]) throws { try Self.write(object, to: guest.appendingPathComponent("guest.json")) }
    func editGuestJSON(_ change: (inout [String: Any]) -> Void) throws { try Self.edit(guest.appendingPathComponent("guest.json"), change) }

    static func write(_ object: [String: Any], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// Rewrites the JSON object in `url` with `change` applied.
    static func edit(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        change(&object)
        try write(object, to: url)
    }

    func remove(_ path: String) throws { try FileManager.default.removeItem(at: recording.appendingPathComponent(path)) }

    /// Replaces `path` of the recording by a symbolic link to `target`.
    func link(_ path: String, to target: String) throws {
        try remove(path)
        try FileManager.default.createSymbolicLink(atPath: recording.path + "/" + path, withDestinationPath: target)
    }

    /// The real qemu-img, run by the test on its own files.
    func qemuImg(_ arguments: [String]) throws {
        let run = try runProgram("/usr/bin/qemu-img", arguments)
        guard run.status == 0 else { throw OspreyError("qemu-img \(arguments): \(run.err)") }
    }

    struct Run {
        var status: Int32
        var stderr: String
        var log: StraceLogSummary
    }

    /// Runs the built osprey with `arguments` under `strace -f`, the fake QEMU first on PATH.
    func osprey(_ arguments: [String]) throws -> Run {
        let osprey = Fixtures.packageRoot.appendingPathComponent(".build/debug/osprey")
        guard FileManager.default.isExecutableFile(atPath: osprey.path) else {
            throw OspreyError("\(osprey.path) is missing: run `swift build` before the tests")
        }
        let logURL = root.appendingPathComponent("strace.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        process.arguments = ["-f", "-qq", "-e", "trace=execve,openat,open,creat,read", "-o", logURL.path, osprey.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = fakeBin.path + ":/usr/local/bin:/usr/bin:/bin"
        environment["OSPREY_PLUGIN"] = Fixtures.packageRoot.appendingPathComponent(".build/debug/libOspreyPlugin.so").path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        try SignalMask.runUnblocked(process)
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let log = StraceLogSummary(try String(contentsOf: logURL, encoding: .utf8))
        return Run(status: process.terminationStatus, stderr: String(decoding: err, as: UTF8.self), log: log)
    }

    /// The run was refused with `reason`, and nothing ran or was touched outside the recording.
    func expectRefused(_ run: Run, reason: String) throws {
        print("[hostile] \(root.lastPathComponent): \(run.stderr)", terminator: "")
        #expect(run.status == 1, "osprey exited \(run.status): \(run.stderr)")
        #expect(run.log.opened.contains { $0.path.hasSuffix("/libswiftCore.so") }, "the strace log was not understood")
        #expect(run.stderr.contains(reason), "expected \(reason) in: \(run.stderr)")
        #expect(run.stderr.hasPrefix("osprey: error: ") && run.stderr.filter { $0 == "\n" }.count == 1, "one line: \(run.stderr)")
        let executed = run.log.executed
        #expect(executed.count == 1 && executed.first?.path.hasSuffix("/.build/debug/osprey") == true, "executed: \(executed)")
        let touched = run.log.opened.filter { $0.path.hasPrefix(canary.path) || $0.path.hasPrefix(fakeBin.path) || $0.path == marker.path }
        #expect(touched.isEmpty, "opened outside the recording: \(touched)")
        let written = run.log.opened.filter(\.forWriting)
        #expect(written.isEmpty, "opened for writing: \(written)")
        #expect(run.log.bytesRead < 4 << 20, "read \(run.log.bytesRead) bytes")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "a script ran")
        #expect(!FileManager.default.fileExists(atPath: output.path), "a trace was written")
    }
}

/// What an `strace -f -e trace=execve,openat,open,creat,read` log says a process tree did.
struct StraceLogSummary {
    struct Opened: CustomStringConvertible {
        var path: String
        var forWriting: Bool
        var description: String { path + (forWriting ? " (write)" : "") }
    }

    struct Executed: CustomStringConvertible {
        var path: String
        var description: String { path }
    }

    var executed: [Executed] = []
    var opened: [Opened] = []
    var bytesRead = 0

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            // "PID call(args) = result"; an unfinished call ("<unfinished ...>", with its path)
            // gets its result on a later "<... call resumed>" line.
            let result = line.range(of: " = ", options: .backwards).map { Int(line[$0.upperBound...].prefix { $0 == "-" || $0.isNumber }) ?? -1 } ?? -1
            if line.contains("<... read resumed>") {
                if result > 0 { bytesRead += result }
                continue
            }
            guard let open = line.firstIndex(of: "(") else { continue }
            let call = line[line.startIndex..<open].split(separator: " ").last.map(String.init) ?? ""
            switch call {
            case "execve":
                if let path = Self.firstString(line[open...]), result == 0 || line.hasSuffix("<unfinished ...>") {
                    executed.append(Executed(path: path))
                }
            case "openat", "open", "creat":
                guard let path = Self.firstString(line[open...]) else { continue }
                let flags = line[open...]
                let writing = call == "creat" || flags.contains("O_WRONLY") || flags.contains("O_RDWR") || flags.contains("O_CREAT") || flags.contains("O_TRUNC")
                opened.append(Opened(path: path, forWriting: writing))
            case "read":
                if result > 0 { bytesRead += result }
            default:
                break
            }
        }
    }

    /// The first double-quoted string of `text`, strace's escapes left as they are.
    static func firstString(_ text: Substring) -> String? {
        guard let start = text.firstIndex(of: "\"") else { return nil }
        var end = text.index(after: start)
        while end < text.endIndex, text[end] != "\"" {
            if text[end] == "\\" { end = text.index(after: end) }
            if end < text.endIndex { end = text.index(after: end) }
        }
        return String(text[text.index(after: start)..<min(end, text.endIndex)])
    }
}
