import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// The format-2 manifest: what it holds, and how strictly it is read.
struct RecordingManifestTests {
    @Test func itRoundTripsAndHoldsNoCommand() throws {
        let dir = try RecordingTestSupport.recording {
            $0.facts.instructions = 6_450_000_000
            $0.facts.durationSeconds = 14.2
            $0.facts.kernelBanner = "Linux version 6.1.0-56-amd64"
            $0.facts.recordCommand = "qemu-system-x86_64 ..."
        }
        let manifest = try RecordingManifest.load(from: dir)
        #expect(manifest.machine == RecordingTestSupport.machine)
        #expect(manifest.icountShift == 3 && manifest.ownsConsole)
        #expect(manifest.facts.instructions == 6_450_000_000 && manifest.facts.durationSeconds == 14.2)
        #expect(manifest.icountOption("record") == "shift=3,rr=record,rrfile=replay.bin")
        let json = try JSONValue.parse(try RecordingTestSupport.manifestText(dir))
        #expect(json["format"]?.stringValue == "osprey-recording/2")
        #expect(json["qemu_binary"] == nil && json["arguments"] == nil)
        #expect(json.objectValue?.map(\.0) == ["format", "machine", "icount_shift", "owns_console", "facts"])
    }

    /// Each row: a manifest text edit (a JSON member replaced or added), and the start of the
    /// one-line error, which names the field.
    @Test(arguments: [
        (#""format": "osprey-recording/2""#, #""format": "osprey-recording/1""#, "format: this recording was made by an older Osprey"),
        (#""format": "osprey-recording/2""#, #""format": "osprey-recording/3""#, "format: osprey-recording/3 is not osprey-recording/2"),
        (#""owns_console": true"#, #""owns_console": true, "qemu_binary": "/bin/sh""#, "qemu_binary: is not a field of this format"),
        (#""owns_console": true"#, #""owns_console": true, "arguments": ["-serial", "file:/root/.bashrc"]"#, "arguments: is not a field of this format"),
        (#""owns_console": true"#, #""owns_console": true, "owns_console": false"#, "owns_console: is given twice"),
        (#""icount_shift": 3"#, #""icount_shift": "3,rrfile=/etc/shadow""#, "icount_shift: is not a whole number"),
        (#""icount_shift": 3"#, #""icount_shift": 99"#, "icount_shift: 99 is not from 0 to 10"),
        (#""icount_shift": 3"#, #""icount_shift": 3, "comment": "hi""#, "comment: is not a field of this format"),
        (#""architecture": "x86_64""#, #""architecture": "x86_64", "serial": "file:/root/.bashrc""#, "machine.serial: is not a field of this format"),
        (#""architecture": "x86_64""#, #""architecture": "sh""#, "machine.architecture: sh is not one of x86_64, aarch64"),
        (#""type": "q35""#, #""type": "q35", "properties": {"dumpdtb": "/root/.bashrc"}"#, "machine.properties.dumpdtb: machine property dumpdtb writes"),
        (#""type": "q35""#, #""type": "q35", "properties": {"memory-backend": "m0"}"#, "machine.properties.memory-backend:"),
        (#""type": "q35""#, #""type": "q35", "properties": {"accel": "kvm"}"#, "machine.properties.accel: machine property accel=kvm"),
        (#""type": "q35""#, #""type": "q35 -serial file:/x""#, "machine.type:"),
        (#""memory_mib": 512"#, #""memory_mib": 99999999"#, "machine.memory_mib: 99999999 is not from 1 to"),
        (#""kernel": "files/vmlinuz""#, #""kernel": "/etc/shadow""#, "machine.kernel: /etc/shadow is an absolute path"),
        (#""kernel": "files/vmlinuz""#, #""kernel": "../../etc/shadow""#, "machine.kernel: ../../etc/shadow has a .. component"),
        (#""kernel": "files/vmlinuz""#, #""kernel": "files/missing""#, "machine.kernel: files/missing does not exist"),
        (#""file": "drives/root.qcow2""#, #""file": "/etc/shadow""#, "machine.drives[0].file: /etc/shadow is an absolute path"),
        (#""format": "qcow2""#, #""format": "vmdk""#, "machine.drives[0].format: vmdk is not qcow2 or raw"),
        (#""id": "root""#, #""id": "root,file=/etc/shadow""#, "machine.drives[0].id:"),
        (#""interface": "none""#, #""interface": "scsi""#, "machine.drives[0].interface: scsi is not one of"),
        (#""driver": "virtio-blk-pci""#, #""driver": "loader""#, "machine.devices[0].driver: device loader loads a host file"),
        (#""drive": "root""#, #""drive": "root", "romfile": "/etc/shadow""#, "machine.devices[0].properties.romfile:"),
        (#""display": "none""#, #""display": "vnc=:0""#, "machine.display: vnc=:0 is not one of none, nographic"),
        (#""display": "none""#, #""display": "none", "netdevs": [{"id": "n0", "type": "user", "options": {"guestfwd": "tcp:1.2.3.4:80-cmd:id"}}]"#, "machine.netdevs[0].options.guestfwd:"),
        (#""display": "none""#, #""display": "none", "netdevs": [{"id": "n0", "type": "user", "options": {"smb": "/root"}}]"#, "machine.netdevs[0].options.smb:"),
        (#""display": "none""#, #""display": "none", "netdevs": [{"id": "n0", "type": "user", "options": {"tftp": "/etc"}}]"#, "machine.netdevs[0].options.tftp:"),
        (#""display": "none""#, #""display": "none", "netdevs": [{"id": "n0", "type": "tap", "options": {"script": "/tmp/x"}}]"#, "machine.netdevs[0].type:"),
        (#""display": "none""#, #""display": "none", "bios": "/usr/share/qemu/bios.bin""#, "machine.bios: /usr/share/qemu/bios.bin is an absolute path"),
        (#""display": "none""#, #""display": "none", "L": "/tmp""#, "machine.L: is not a field of this format"),
        (#""flags": ["#, #""flags": ["daemonize", "#, "machine.flags[0]: daemonize is not one of"),
    ])
    func hostileManifestsAreRefusedNamingTheField(original: String, replacement: String, message: String) throws {
        let dir = try RecordingTestSupport.recording()
        let text = try RecordingTestSupport.manifestText(dir)
        #expect(text.contains(original), "the fixture has \(original)")
        try RecordingTestSupport.writeManifest(text.replacingOccurrences(of: original, with: replacement), in: dir)
        let error = try #require(RecordingTestSupport.loadError(dir))
        #expect(error.hasPrefix(dir.path + "/manifest.json: " + message), "\(error)")
        #expect(!error.contains("\n"), "one line: \(error)")
    }

    @Test func aTruncatedManifestIsRefusedWithTheByteOffset() throws {
        let dir = try RecordingTestSupport.recording()
        let text = try RecordingTestSupport.manifestText(dir)
        try RecordingTestSupport.writeManifest(String(text.prefix(100)), in: dir)
        let error = try #require(RecordingTestSupport.loadError(dir))
        #expect(error.contains("manifest.json: is not valid JSON:"), "\(error)")
        #expect(error.contains("at byte 100"), "\(error)")
    }

    @Test func aHugeManifestIsRefusedByItsSizeBeforeItIsRead() throws {
        let dir = try RecordingTestSupport.recording()
        let path = dir.appendingPathComponent(RecordingManifest.fileName).path
        #expect(truncate(path, 1 << 30) == 0)  // sparse: 1 GiB, nothing written
        let started = Date()
        let error = try #require(RecordingTestSupport.loadError(dir))
        #expect(error.contains("is 1073741824 bytes, more than the 1048576"), "\(error)")
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func theManifestAndTheLogMustBeFilesOfTheRecording() throws {
        let outside = try MachineTestSupport.directory("rec-outside")
        let secret = try MachineTestSupport.file("secret", in: outside, "{}")
        let linked = try RecordingTestSupport.recording()
        try FileManager.default.removeItem(at: linked.appendingPathComponent(RecordingManifest.fileName))
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent(RecordingManifest.fileName), withDestinationURL: secret)
        #expect(RecordingTestSupport.loadError(linked)?.contains("leads out of the directory") == true)

        let fifo = try RecordingTestSupport.recording()
        try FileManager.default.removeItem(at: fifo.appendingPathComponent(RecordingManifest.fileName))
        #expect(mkfifo(fifo.path + "/" + RecordingManifest.fileName, 0o644) == 0)
        #expect(RecordingTestSupport.loadError(fifo)?.contains("a FIFO") == true, "refused, not waited on")

        let log = try RecordingTestSupport.recording()
        try FileManager.default.removeItem(at: log.appendingPathComponent(RecordingManifest.logName))
        try FileManager.default.createSymbolicLink(at: log.appendingPathComponent(RecordingManifest.logName), withDestinationURL: secret)
        #expect(RecordingTestSupport.loadError(log)?.contains("replay.bin is not usable") == true)
    }

    @Test func drivesMustStandAlone() throws {
        let outside = try MachineTestSupport.directory("rec-outside")
        let base = try MachineTestSupport.qcow2("base.qcow2", in: outside)
        let dir = try RecordingTestSupport.recording()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("drives/root.qcow2"))
        try MachineTestSupport.qcow2("drives/root.qcow2", in: dir, options: ["-F", "qcow2", "-b", base.path])
        let error = try #require(RecordingTestSupport.loadError(dir))
        #expect(error.contains("manifest.json: machine.drives[0].file: drives/root.qcow2 is a qcow2 image with a backing file"), "\(error)")
    }

    @Test func controlCharactersOfAManifestAreShownEscaped() throws {
        let dir = try RecordingTestSupport.recording { $0.facts.outcome = "ok\u{1b}]0;pwned\u{07}" }
        let replayer = try Replayer(directory: dir, output: dir.appendingPathComponent("t.jsonl"))
        let problem = try #require(replayer.judge(.exited, replayed: nil))
        #expect(!problem.contains("\u{1b}") && problem.contains("\\33]0;pwned\\7"))
        let text = try RecordingTestSupport.manifestText(dir).replacingOccurrences(of: #""id": "root""#, with: #""id": "r\u001b[2J""#)
        try RecordingTestSupport.writeManifest(text, in: dir)
        let error = try #require(RecordingTestSupport.loadError(dir))
        #expect(!error.contains("\u{1b}") && error.contains("\\33[2J"), "\(error)")
    }
}
