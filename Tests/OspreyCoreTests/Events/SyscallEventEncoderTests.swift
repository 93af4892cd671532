import Foundation
import Testing
@testable import OspreyCore

@Suite("Trace line encoding")
struct SyscallEventEncoderTests {
    func event(strings: [DecodedString] = [], result: Int64? = 3, end: SyscallEnd = .returned) -> SyscallEvent {
        SyscallEvent(
            seq: 7, entry: 5, vcpu: 1, abi: .x86_64, addressSpace: AddressSpaceID(rawValue: 0x1234000), stackPointer: 0x7ffd_0000,
            pc: GuestAddress(0x401000), task: TaskIdentity(pid: 42, tid: 42, ppid: 1, comm: "c\"at"), number: 257,
            args: SyscallArguments([UInt64(bitPattern: -100), 0x5000, 0, 0, 0, UInt64.max]), strings: strings,
            result: result, end: end)
    }

    func decode(_ bytes: [UInt8]) throws -> [String: Any] {
        #expect(bytes.last == UInt8(ascii: "\n"))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes.dropLast())) as? [String: Any])
    }

    @Test func encodesAllFields() throws {
        var enc = SyscallEventEncoder()
        let o = try decode(enc.encode(event(strings: [DecodedString(argument: 1, bytes: Array("/tmp/a b\n\u{1}é".utf8))])))
        #expect(o["seq"] as? Int == 7)
        #expect(o["entry"] as? Int == 5)
        #expect(o["type"] as? String == "syscall")
        #expect(o["name"] as? String == "openat")
        #expect(o["comm"] as? String == "c\"at")
        #expect(o["pid"] as? Int == 42)
        #expect(o["as"] as? String == "0x1234000")
        #expect((o["args"] as? [String])?.first == "0xffffffffffffff9c")
        #expect((o["args"] as? [String])?.last == "0xffffffffffffffff")
        #expect((o["strings"] as? [String: String])?["1"] == "/tmp/a b\n\u{1}é")
        #expect(o["ret"] as? Int == 3)
        #expect(o["end"] == nil)
    }

    @Test func instructionCountsAreWrittenWhenKnown() throws {
        var enc = SyscallEventEncoder()
        #expect(try decode(enc.encode(event()))["icount"] == nil)
        var e = event()
        e.icount = 6_000_000_001
        e.exitIcount = 6_000_000_050
        let o = try decode(enc.encode(e))
        #expect(o["icount"] as? Int == 6_000_000_001)
        #expect(o["icount_ret"] as? Int == 6_000_000_050)
    }

    @Test func nonUTF8StringsGoToHex() throws {
        var enc = SyscallEventEncoder()
        let o = try decode(enc.encode(event(strings: [DecodedString(argument: 0, bytes: [0x2f, 0xff, 0x41], truncated: true)])))
        #expect((o["strings_hex"] as? [String: String])?["0"] == "2fff41")
        #expect(o["truncated"] as? [Int] == [0])
        #expect(o["strings"] == nil)
    }

    @Test func unfinishedHasNoResult() throws {
        var enc = SyscallEventEncoder()
        let o = try decode(enc.encode(event(result: nil, end: .unfinished)))
        #expect(o["ret"] == nil)
        #expect(o["end"] as? String == "unfinished")
    }

    @Test func extremeIntegers() throws {
        var w = JSONLineWriter()
        w.begin()
        w.field("a", Int64.min)
        w.field("b", UInt64.max)
        w.field("c", Int64(0))
        w.end()
        let o = try decode(w.bytes)
        #expect((o["a"] as? NSNumber)?.int64Value == Int64.min)
        #expect((o["b"] as? NSNumber)?.uint64Value == UInt64.max)
        #expect(o["c"] as? Int == 0)
    }
}
