import ArgumentParser
import Foundation
import OspreyCore
import OspreyTools

/// `osprey profile`: learn (or check) where the guest's kernel keeps its data, and export it.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Learn the guest kernel's introspection profile while it boots (no symbols), check one, or export one.",
        subcommands: [ProfileGenerateCommand.self, ProfileExportCommand.self],
        defaultSubcommand: ProfileGenerateCommand.self)
}

struct ProfileGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Boot the guest and write its profile (the default subcommand of `osprey profile`).",
        discussion: """
            Osprey watches the guest's system calls and, at each one, reads kernel memory and tests candidate \
            offsets against what the calls tell (getpid's result is the task's pid, the path given to open is \
            the new descriptor's dentry name, mmap's result starts a new VMA, ...). No symbols, System.map or \
            BTF are read. The profile is written as soon as it is complete; if the guest ends first, the \
            profile lists the missing fields and which stop never came. The guest must do ordinary work: \
            start programs, open files, fork, exec a dynamically linked program, use a thread, make a TCP \
            connection, chdir (the default guest's scenario does all of it).

            With --check PROFILE, the run checks that profile against the running kernel instead and \
            names each field that fails.
            """)

    @OptionGroup var machine: MachineOptions

    @Option(name: .long, help: "Where to write the profile (or, with --check, the check report).")
    var out: String?

    @Option(name: .long, help: "Check this profile against the running guest instead of generating one.")
    var check: String?

    @Option(name: .long, help: "Resume from this partial profile (its offsets are taken as found).")
    var resume: String?

    @Option(name: .long, help: "Keep the guest's serial console in this file instead of printing it.")
    var console: String?

    @Option(name: .long, help: "Stop the guest after this many seconds.")
    var timeout: Int = 600

    @Option(name: .long, help: ArgumentHelp(
        "Also record the first kernel stops to this file (JSON Lines), for offline replay.",
        discussion: "Each stop keeps the call, the registers and only the guest bytes the profile tests read; attach it to a bug report about a wrong or missing field."))
    var capture: String?

    @Option(name: .long, help: "How many stops --capture records with their memory.")
    var captureStops: Int = 400

    @Option(name: .long, help: "The first stop --capture records with its memory (earlier ones: the calls only).")
    var captureFrom: Int = 1

    func validate() throws {
        if check == nil && out == nil { throw ValidationError("give --out PROFILE.json (or --check PROFILE.json)") }
        if check != nil && resume != nil { throw ValidationError("--check and --resume do not go together") }
        for file in [check, resume].compactMap({ $0 }) {
            do {
                _ = try ProfileFile.load(file)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if capture != nil && check != nil { throw ValidationError("--capture records profile generation; it does not go with --check") }
        if captureStops <= 0 || captureFrom <= 0 { throw ValidationError("--capture-stops and --capture-from must be positive") }
    }

    func run() throws {
        let output = out ?? (check.map { $0 + ".check.json" } ?? "profile.json")
        var pluginOptions: [(String, String)] = []
        if let capture {
            pluginOptions = [("capture", URL(fileURLWithPath: capture).standardizedFileURL.path), ("capture_stops", String(captureStops)), ("capture_from", String(captureFrom))]
        }
        do {
            let result = try machine.source().run(
                mode: check == nil ? "profile" : "check", output: output, profile: check ?? resume, console: console,
                timeout: timeout, kept: "what was learned so far", pluginOptions: pluginOptions)
            if check != nil {
                try reportCheck(URL(fileURLWithPath: output))
                return
            }
            let profile = try ProfileFile.load(output)
            Diagnostics.note(String(format: "profile written to %@ (%.1f s): %d offsets", output, result.wallSeconds, profile.offsets.count))
            for missing in profile.missing {
                Diagnostics.note("missing \(missing.field): \(missing.reason)")
            }
            if !profile.isComplete { throw ExitCode(3) }
        } catch let error as OspreyError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        }
    }

    private func reportCheck(_ report: URL) throws {
        let root = try JSONValue.parse(bytes: BoundedFile.read(report, limit: 16 << 20, what: "check report"))
        if root["same_kernel"]?.boolValue == false {
            Diagnostics.error("the profile is for \(TextEscaping.token(root["profile_kernel"]?.stringValue ?? "?")) but the guest runs \(TextEscaping.token(root["running_kernel"]?.stringValue ?? "?"))")
        }
        var failing = 0
        for field in root["fields"]?.arrayValue ?? [] {
            let verdict = field["verdict"]?.stringValue ?? "?"
            let name = field["field"]?.stringValue ?? "?"
            let counts = "\(field["passed"]?.intValue ?? 0) stop(s) passed, \(field["failed"]?.intValue ?? 0) failed"
            switch verdict {
            case "fail":
                failing += 1
                print(TerminalText.safe("FAIL  \(name): \(counts) (test \(field["test"]?.stringValue ?? ""))"))
            case "unchecked":
                print(TerminalText.safe("----  \(name): not checked, no stop at \(field["stop"]?.stringValue ?? "")"))
            default:
                print(TerminalText.safe("ok    \(name): \(counts)"))
            }
        }
        Diagnostics.note("check report in \(report.path)")
        if failing > 0 || root["same_kernel"]?.boolValue == false { throw ExitCode(4) }
    }
}

extension ProfileExportFormat: ExpressibleByArgument {}

struct ProfileExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a profile in another tool's format: PANDA's kernelinfo.conf or LibVMI's Linux offsets.",
        discussion: "Keys the other tool wants but a symbol-free profile cannot know (absolute addresses) are written commented out, and named on standard error. See docs/profile-exports.md.")

    @Argument(help: "The profile (from `osprey profile`).")
    var profile: String

    @Option(name: .long, help: "panda or libvmi.")
    var format: ProfileExportFormat

    @Option(name: .long, help: "Section or entry name (default: from the kernel release).")
    var name: String?

    @Option(name: .long, help: "Write here instead of standard output.")
    var out: String?

    func run() throws {
        let loaded: KernelProfile
        do {
            loaded = try ProfileFile.load(profile)
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(1)
        }
        let export = ProfileExport(profile: loaded, format: format, name: name)
        for warning in export.warnings { Diagnostics.note(warning) }
        if let out {
            try export.text.write(toFile: out, atomically: true, encoding: .utf8)
            Diagnostics.note("\(format.rawValue) export written to \(out)")
        } else {
            print(export.text, terminator: "")
        }
    }
}
