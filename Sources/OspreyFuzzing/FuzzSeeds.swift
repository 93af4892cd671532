import Foundation
import OspreyCore

/// The seed corpus: real captured stops of a 6.1 amd64 boot in the harnesses' binary form,
/// calls with memory for the argument capture, a real profile and capture line, and traces
/// made by the plugin's own encoders. Written once by `osprey-fuzz seeds DIR` and kept in
/// `Fuzz/corpus/TARGET/`.
public enum FuzzSeeds {
    public static func write(to directory: URL) throws {
        let stops = try FuzzFixtures.capturedStops()
        let seeds: [(FuzzTarget, [(String, [UInt8])])] = [
            (.readers, readers(stops)), (.engine, engine(stops)), (.capture, capture()), (.json, json(stops)), (.trace, trace()),
        ]
        for (target, files) in seeds {
            let dir = directory.appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        }
    }

    static func encoded(_ stops: [CapturedStop]) -> [UInt8] {
        var out = FuzzOutput()
        for s in stops { FuzzStopCodec.encode(s, into: &out) }
        return out.bytes
    }

    /// Stops of different calls whose capture is not too big, each with a second stop and calls.
    static func readers(_ stops: [CapturedStop]) -> [(String, [UInt8])] {
        var seen: Set<String> = []
        var result: [(String, [UInt8])] = []
        for (i, s) in stops.enumerated() where i + 1 < stops.count && !seen.contains(s.stop.call.name) {
            let bytes = encoded([s, stops[i + 1]])
            guard bytes.count < 60 << 10, s.pages.count >= 2 else { continue }
            seen.insert(s.stop.call.name)
            var out = FuzzOutput()
            out.writeBytes(bytes)
            for selector: UInt8 in [0, 2, 3, 8, 10, 14] {  // clone, openat, close, socket, mmap, wait4
                out.writeU8(selector)
                out.writeU64(3)
                for _ in 0..<SyscallArguments.count { out.writeU64(3) }
            }
            result.append(("stop-\(i)-\(s.stop.call.name)", out.bytes))
            if result.count == 24 { break }
        }
        return result
    }

    /// Windows of consecutive stops, searched from nothing and from given fields.
    static func engine(_ stops: [CapturedStop]) -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        var start = 0
        for mode: UInt8 in [0x00, 0x01, 0x03, 0x07, 0x0F, 0x3F, 0x7F, 0x41] {
            var window: [CapturedStop] = []
            var size = 0
            while start < stops.count, window.count < 24 {
                let one = encoded([stops[start]]).count
                start += 1
                if one > 16 << 10 { continue }
                window.append(stops[start - 1])
                size += one
                if size > 56 << 10 { break }
            }
            result.append(("window-\(start)-mode-\(mode)", [mode] + encoded(window)))
        }
        return result
    }

    /// Calls whose arguments point into the memory given after them.
    static func capture() -> [(String, [UInt8])] {
        let calls: [(SyscallABI, String, [UInt64], Int64)] = [
            (.x86_64, "write", [1, 0x10000, 64], 64), (.x86_64, "read", [0, 0x10000, 64], 32),
            (.x86_64, "execve", [0x10000, 0x11000, 0x11100], 0), (.x86_64, "openat", [UInt64(bitPattern: -100), 0x10000, 0], 3),
            (.x86_64, "pipe2", [0x10000, 0], 0), (.x86_64, "wait4", [UInt64(bitPattern: -1), 0x10000, 0, 0], 42),
            (.x86_64, "readv", [3, 0x11000, 2], 40), (.x86_64, "getdents64", [3, 0x10000, 4096], 200),
            (.x86_64, "rt_sigreturn", [], 0), (.x86_64, "accept4", [3, 0x10000, 0x11000, 0], 4),
            (.x86_64, "newfstatat", [UInt64(bitPattern: -100), 0x10000, 0x11000, 0], 0), (.x86_64, "prctl", [15, 0x10000], 0),
            (.x86_64, "sendmsg", [3, 0x11000, 0], 10), (.x86_64, "poll", [0x10000, 2, 0], 1),
            (.aarch64, "execve", [0x10000, 0x11000, 0x11100], 0), (.aarch64, "openat", [UInt64(bitPattern: -100), 0x10000, 0], 3),
            (.aarch64, "rt_sigaction", [2, 0x10000, 0x11000], 0), (.aarch64, "clock_nanosleep", [0, 0, 0x10000, 0x11000], 0),
        ]
        var result: [(String, [UInt8])] = []
        for (abi, name, args, ret) in calls {
            guard let number = SyscallTable.linux(abi).number(of: name) else { continue }
            var out = FuzzOutput()
            out.writeU8(abi == .x86_64 ? 0 : 1)
            out.writeU16(UInt16(number))
            out.writeU8(32)
            out.writeU64(UInt64(bitPattern: ret))
            out.writeU64(0x12000)
            for i in 0..<SyscallArguments.count { out.writeU64(i < args.count ? args[i] : 0) }
            // Page 0x10: a path, a NUL, little-endian words; page 0x11: pointers back into 0x10.
            var first = Array("/tmp/osprey/seed\u{0}".utf8)
            for v: UInt64 in [0x10000, 0x10008, 16, 0x10010, 8, 0, 0x0102_0304, 0xFFFF_FFFF] { first += (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
            out.writeU64(0x10)
            out.writeBlob(first + [UInt8](repeating: 0x41, count: 256))
            var second: [UInt8] = []
            for v: UInt64 in [0x10000, 8, 0x10010, 8, 0, 0] { second += (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
            out.writeU64(0x11)
            out.writeBlob(second)
            result.append(("\(abi.name)-\(name)", out.bytes))
        }
        return result
    }

    /// A real profile (the BTF offsets through the writer), a partial one, small capture lines.
    static func json(_ stops: [CapturedStop]) -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = [
            ("profile", Array(FuzzFixtures.profile().jsonText().utf8)),
            ("profile-partial", Array(FuzzFixtures.profile(keys: ["current_task", "task_struct.pid"]).jsonText().utf8)),
            ("header", Array(CapturedStop.header(architecture: .x86_64).utf8)),
            ("nested", Array("{\"a\":[1,-2.5e3,\"\\u00e9\\n\",true,null,{\"b\":{}}]}".utf8)),
        ]
        for s in stops where s.pages.count >= 2 {
            let line = s.jsonLine()
            guard line.utf8.count < 4096 else { continue }
            result.append(("capture-line-\(result.count)", Array(line.utf8)))
            if result.count == 10 { break }
        }
        return result
    }

    /// Traces as the plugin writes them: calls of a process that forks, execs, opens, pipes and
    /// connects, with its object events; one with hostile names.
    static func trace() -> [(String, [UInt8])] {
        [("small", TraceSeed.lines(names: ["sh", "cat"])), ("hostile", TraceSeed.lines(names: ["\u{1B}[2J", "a\nb"], bytes: [0xFF, 0xFE]))]
    }
}
