import Foundation
import OspreyCore
import OspreyTools
import Testing

/// Names the guest chooses reach every view escaped: a scenario creates files and runs programs
/// whose names hold every byte 0x01-0x1F, DEL, quotes, a backslash, 0x80-0xFF, terminal escape
/// sequences, and a path of about 4000 bytes. The `osprey` command's output of every view may
/// hold no byte outside printable ASCII but the newline ending each record, and each name must
/// come back exactly from the trace and, unescaped, from the views.
@Suite("Hostile names through the real guest, plugin and views", .serialized)
struct HostileNamesTests {
    /// The hostile names (no NUL, no `/`).
    static let controls: [UInt8] = Array("ctl".utf8) + Array(0x01...0x1F) + Array("end".utf8)
    static let high: [UInt8] = Array("hi".utf8) + [0x7F, 0x22, 0x27, 0x5C] + Array(0x80...0xFF)
    static let terminal: [UInt8] = Array("\u{1B}[2J\u{1B}]0;owned\u{7}x\n[pid 1 init] open(name etc-shadow, mode READ)".utf8)
    static let names = [controls, high, terminal]
    /// 16 directories of 248 bytes under /tmp/hostile/long: a 4001-byte directory path.
    static let longComponent = [UInt8](repeating: UInt8(ascii: "0"), count: 248)
    static var longDirectory: [UInt8] {
        Array("/tmp/hostile/long".utf8) + Array((0..<16).map { _ in [UInt8(ascii: "/")] + longComponent }.joined())
    }

    /// A `printf` format giving exactly `bytes`: every byte as a three-digit octal escape.
    static func printf(_ bytes: [UInt8]) -> String {
        "$(printf '" + bytes.map { "\\" + String(repeating: "0", count: 3 - String($0, radix: 8).count) + String($0, radix: 8) }.joined() + "x')"
    }

    /// Files with each name created, written, read; a copy of busybox under each name run as
    /// `true` (busybox runs the applet argv[1] names when its own name starts with "busybox");
    /// a script under the high-bytes name (its comm is those bytes); the long path.
    static var scenario: String {
        var text = "#!/bin/sh\nset -e\nd=/tmp/hostile\nmkdir -p $d/s\n"
        // Command substitution drops trailing newlines: each name ends with an x, cut off after.
        for (i, name) in names.enumerated() { text += "n\(i)=\(printf(name))\nn\(i)=\"${n\(i)%x}\"\n" }
        text += """
            for n in "$n0" "$n1" "$n2"; do
                echo data > "$d/$n"
                cat "$d/$n" > /dev/null
                cp /bin/busybox "$d/busybox$n"
                "$d/busybox$n" true
            done
            printf '#!/bin/sh\\nexit 0\\n' > "$d/s/$n1"
            chmod +x "$d/s/$n1"
            "$d/s/$n1"
            c=$(printf '%0248d' 0)
            p=$d/long
            for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do p="$p/$c"; done
            mkdir -p "$p"
            echo long > "$p/f"
            cat "$p/f" > /dev/null
            exit 0

            """
        return text
    }

    static func path(_ suffix: [UInt8]) -> [UInt8] { Array("/tmp/hostile/".utf8) + suffix }

    /// Runs the built `osprey` with `arguments`: its standard output, bytes exactly.
    static func osprey(_ arguments: [String]) throws -> [UInt8] {
        let binary = Fixtures.packageRoot.appendingPathComponent(".build/debug/osprey")
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try SignalMask.runUnblocked(p)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "osprey \(arguments.joined(separator: " ")) exited with \(p.terminationStatus)")
        return Array(data)
    }

    @Test func everyViewEscapesAndEveryNameComesBack() throws {
        let kernel = Fixtures.defaultKernel
        let guest = try Fixtures.guest("hostile-names-\(kernel)", kernel: kernel, scenario: Self.scenario)
        let profile = try Fixtures.profile(kernel: kernel)
        let run = try Fixtures.trace(guest: guest, name: "hostile-names", profile: profile)
        #expect(run.outcome == .poweredOff(scenarioStatus: 0), "console:\n\(run.console.suffix(1500))")
        let trace = run.trace
        let files = Self.names.map(Self.path)
        let programs = Self.names.map { Self.path(Array("busybox".utf8) + $0) }
        let script = Self.path(Array("s/".utf8) + Self.high)
        let long = Self.longDirectory + Array("/f".utf8)
        #expect(long.count > 4000)

        // The trace holds every name exactly: in the calls' strings and in the kernel's own names.
        let called = Set(trace.syscalls.flatMap { $0.strings.values.map(\.bytes) })
        let opened = Set(trace.objectEvents.filter { $0.type == "file" }.compactMap { $0.strings["path"]?.bytes })
        let modules = Set(trace.objectEvents.filter { $0.type == "module" }.compactMap { $0.strings["path"]?.bytes })
        for name in files + programs + [script, long] {
            let found = called.contains(name)
            #expect(found, "no call with \(TextEscaping.quoted(name))")
        }
        for name in files + [long] {
            let found = opened.contains(name)
            #expect(found, "no file open of \(TextEscaping.quoted(name))")
        }
        for name in programs {
            let found = modules.contains(name)
            #expect(found, "no module \(TextEscaping.quoted(name))")
        }
        let scriptComm = Array(Self.high.prefix(15))
        #expect(trace.objectEvents.contains { $0.comm.bytes == scriptComm }, "the script's comm is not in the object events")
        #expect(trace.syscalls.contains { $0.comm?.bytes == scriptComm }, "the script's comm is not on its calls")

        // Every view through the real command: printable ASCII and newlines only.
        let path = run.traceURL.path
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).svg")
        var views: [(String, [UInt8])] = []
        for arguments in [
            ["syscalls", path, "-f"], ["files", path], ["files", path, "--opened"], ["files", path, "--json"],
            ["ps", path], ["ps", path, "--json"], ["modules", path], ["modules", path, "--json"], ["net", path],
            ["summary", path], ["flow", path], ["flow", path, "--json"], ["flow", path, "--svg", svg.path],
        ] {
            views.append((arguments.joined(separator: " "), try Self.osprey(arguments)))
        }
        for (view, output) in views {
            let bad = Set(output.filter { ($0 < 0x20 && $0 != 0x0A) || $0 >= 0x7F }).sorted()
            #expect(bad.isEmpty, "osprey \(view) printed bytes \(bad.prefix(20))")
        }
        let svgText = (try? String(contentsOf: svg, encoding: .utf8)) ?? ""
        #expect(svgText.contains("<svg"), "no SVG written (is Graphviz installed?)")
        for marker in ["<a ", "<a>", "xlink:href", "href=", "<script", "javascript:", "onload", "<image"] {
            #expect(!svgText.contains(marker), "the SVG holds \(marker)")
        }

        // Each name comes back from the views, unescaped.
        func text(_ view: String) -> String { String(decoding: views.first { $0.0.hasPrefix(view) }!.1, as: UTF8.self) }
        let straceView = text("syscalls")
        let strings = Set(straceView.split(separator: "\n").flatMap(Self.quotedStrings).compactMap { TextEscaping.unescape($0) })
        for name in files + programs + [script, long] {
            let found = strings.contains(name)
            #expect(found, "osprey syscalls: no string that unescapes to \(TextEscaping.quoted(name))")
        }
        let fileLog = text("files \(path)")
        let logNames = Set(fileLog.split(separator: "\n").compactMap(Self.openedName).compactMap { TextEscaping.unescape($0) })
        for name in files + [long] {
            let found = logNames.contains(name)
            #expect(found, "osprey files: no open of \(TextEscaping.quoted(name))")
        }
        let forged = fileLog.split(separator: "\n").filter { !$0.hasPrefix("[") }.count
        #expect(forged == 0, "a name forged lines of the file log")
        let moduleView = text("modules \(path)")
        let moduleTokens = Set(moduleView.split(separator: "\n").flatMap { TextEscaping.tokens(of: $0) }.compactMap { TextEscaping.unescape($0) })
        for name in programs {
            let found = moduleTokens.contains(name)
            #expect(found, "osprey modules: no \(TextEscaping.quoted(name))")
        }
        let psTokens = Set(text("ps \(path)").split(separator: "\n").flatMap { TextEscaping.tokens(of: $0) }.compactMap { TextEscaping.unescape($0) })
        let scriptShown = psTokens.contains(script)
        #expect(scriptShown, "osprey ps: the script's command line is not there")
    }

    /// The double-quoted strings of an strace-style line.
    static func quotedStrings(_ line: Substring) -> [Substring] { TextEscaping.tokens(of: line).filter { $0.hasPrefix("\"") } }

    /// The name of an `open(name NAME, ...)` line of the file log.
    static func openedName(_ line: Substring) -> Substring? {
        guard let range = line.range(of: "open(name ") else { return nil }
        let rest = line[range.upperBound...]
        return TextEscaping.tokens(of: rest).first.map { $0.hasSuffix(",") || $0.hasSuffix(")") ? $0.dropLast() : $0 }
    }
}
