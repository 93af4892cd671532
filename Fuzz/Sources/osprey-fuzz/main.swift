import CLibFuzzer
import Foundation
import OspreyFuzzing

// osprey-fuzz TARGET [libFuzzer flags and corpus directories]
// osprey-fuzz seeds DIRECTORY        (writes the seed corpus, one directory per target)

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: osprey-fuzz TARGET|seeds [flags...]\ntargets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))\n".utf8))
    exit(2)
}
if arguments[1] == "seeds" {
    guard arguments.count == 3 else { exit(2) }
    do {
        try FuzzSeeds.write(to: URL(fileURLWithPath: arguments[2]))
    } catch {
        FileHandle.standardError.write(Data("osprey-fuzz: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
guard let target = FuzzTarget(rawValue: arguments[1]) else {
    FileHandle.standardError.write(Data("osprey-fuzz: unknown target \(arguments[1])\n".utf8))
    exit(2)
}
nonisolated(unsafe) var selected = target
// libFuzzer sees the program name and the flags after the target.
var driverArguments = [arguments[0]] + arguments.dropFirst(2)
var argc = Int32(driverArguments.count)
var cStrings: [UnsafeMutablePointer<CChar>?] = driverArguments.map { strdup($0) } + [nil]
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        selected.run(bytes)
        return 0
    }
}
exit(status)
