import OspreyCore

/// A trace made with the plugin's own encoders for the trace harness's seeds.
enum TraceSeed {
    static func lines(names: [String], bytes: [UInt8] = []) -> [UInt8] {
        var out = Array(#"{"type":"trace_start","format":"osprey-trace","version":1,"arch":"x86_64","vcpus":1,"mode":"trace"}"#.utf8) + [0x0A]
        var writer = JSONLineWriter()
        var encoder = SyscallEventEncoder()
        var seq: UInt64 = 1
        for (i, name) in names.enumerated() {
            let comm = GuestText(bytes: Array(name.utf8) + bytes), pid = GuestPID(80 + i)
            let path = GuestText("/tmp/") + comm
            func event(_ type: String, _ what: String, _ fields: [MonitorEvent.Field]) {
                writer.write(MonitorEvent(type: type, event: what, vcpu: 0, pid: pid, tid: pid, comm: comm, fields: fields), seq: seq)
                out += writer.bytes
                seq += 1
            }
            func call(_ nr: Int64, _ args: [UInt64], _ ret: Int64, strings: [DecodedString] = [], end: SyscallEnd = .returned) {
                out += encoder.encode(SyscallEvent(
                    seq: seq, entry: seq, vcpu: 0, abi: .x86_64, addressSpace: AddressSpaceID(rawValue: 0x1000 * UInt64(i + 1)),
                    stackPointer: 0x7ff0, pc: GuestAddress(0x401000), task: TaskIdentity(pid: pid, tid: pid, ppid: 1, comm: comm),
                    number: nr, args: SyscallArguments(args), strings: strings, result: ret, end: end))
                seq += 1
            }
            event("process", "start", [.init("ppid", .int(1)), .init("state", .string("S")), .init("exe", .text(path)), .init("argv", .texts([path, comm]))])
            call(257, [UInt64(bitPattern: -100), 0x5000, 0o101, 0o644, 0, 0], 3, strings: [DecodedString(argument: 1, bytes: path.bytes)])
            event("file", "open", [.init("fd", .int(3)), .init("path", .text(path)), .init("kind", .string("file")), .init("inode", .int(12))])
            call(1, [3, 0x6000, 5, 0, 0, 0], 5)
            call(22, [0x7000, 0, 0, 0, 0, 0], 0)
            event("pipe", "create", [.init("read_fd", .int(4)), .init("write_fd", .int(5)), .init("inode", .int(99))])
            event("file", "open", [.init("fd", .int(4)), .init("path", .text("pipe:[99]")), .init("kind", .string("pipe")), .init("inode", .int(99))])
            call(41, [2, 1, 0, 0, 0, 0], 6)
            event("socket", "connect", [.init("fd", .int(6)), .init("inode", .int(7)), .init("family", .int(2)),
                                        .init("local", .string("127.0.0.1:40000")), .init("remote", .string("127.0.0.1:80"))])
            event("region", "map", [.init("start", .hex(0x400000)), .init("end", .hex(0x401000)), .init("perms", .string("r-xp")),
                                    .init("offset", .hex(0)), .init("path", .text(path)), .init("inode", .int(12))])
            event("module", "load", [.init("path", .text(path)), .init("base", .hex(0x400000))])
            call(3, [3, 0, 0, 0, 0, 0], 0)
            call(56, [0x11, 0, 0, 0, 0, 0], Int64(90 + i))
            call(59, [0x5000, 0x5100, 0x5200, 0, 0, 0], 0, strings: [DecodedString(argument: 0, bytes: path.bytes)], end: .exec)
            event("process", "exit", [.init("how", .string("exit_group")), .init("code", .int(0))])
        }
        out += Array(#"{"type":"trace_end","events":\#(seq - 1),"unfinished":0}"#.utf8) + [0x0A]
        return out
    }
}
