import Testing
@testable import OspreyCore

@Suite("One escaping rule for untrusted text")
struct TextEscapingTests {
    @Test func escapesAsStraceDoes() {
        #expect(TextEscaping.escaped(Array("a\"b\\c".utf8)) == #"a\"b\\c"#)
        #expect(TextEscaping.escaped([0x0A, 0x09, 0x0D, 0x0B, 0x0C]) == #"\n\t\r\v\f"#)
        // Fewest octal digits, three when an octal digit follows.
        #expect(TextEscaping.escaped([0x1B, UInt8(ascii: "["), UInt8(ascii: "2"), UInt8(ascii: "J")]) == #"\33[2J"#)
        #expect(TextEscaping.escaped([0x00, UInt8(ascii: "1")]) == #"\0001"#)
        #expect(TextEscaping.escaped([0x00, UInt8(ascii: "8")]) == #"\08"#)
        #expect(TextEscaping.escaped([0xFF, 0xFE]) == #"\377\376"#)
        #expect(TextEscaping.escaped([0x7F]) == #"\177"#)
        #expect(TextEscaping.escaped(Array("é".utf8)) == #"\303\251"#)
    }

    @Test func noControlByteEverComesOut() {
        for byte in UInt8.min...UInt8.max {
            for context: [UInt8] in [[byte], [byte, 0x30], [0x41, byte, 0x41]] {
                for text in [TextEscaping.escaped(context), TextEscaping.token(context), TextEscaping.quoted(context)] {
                    #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "byte \(byte)")
                }
            }
        }
    }

    @Test func everyByteStringComesBackExactly() {
        var samples: [[UInt8]] = [[], Array("plain".utf8), Array("with space".utf8), Array("\"".utf8), Array("\\".utf8)]
        samples.append(Array(UInt8.min...UInt8.max))
        samples.append(Array(UInt8.min...UInt8.max).reversed())
        for byte in UInt8.min...UInt8.max { samples.append([byte, 0x37, byte, 0x38, byte]) }
        for bytes in samples {
            #expect(TextEscaping.unescape(Substring(TextEscaping.token(bytes))) == bytes)
            #expect(TextEscaping.unescape(Substring(TextEscaping.quoted(bytes))) == bytes)
        }
    }

    @Test func tokensAreBareOnlyWhenSafe() {
        #expect(TextEscaping.token("/usr/bin/cat") == "/usr/bin/cat")
        #expect(TextEscaping.token("pipe:[4711]") == "pipe:[4711]")
        #expect(TextEscaping.token("/tmp/a b") == #""/tmp/a b""#)
        #expect(TextEscaping.token("") == #""""#)
        #expect(TextEscaping.token("x\"y") == #""x\"y""#)
        #expect(TextEscaping.token("\u{1B}]0;owned\u{7}") == #""\33]0;owned\7""#)
        #expect(TextEscaping.token("line\n[pid 1 init] open(name /etc/shadow)") == #""line\n[pid 1 init] open(name /etc/shadow)""#)
    }

    @Test func viewLinesSplitIntoTokensThatUnescape() {
        let line: Substring = #"[pid 7 "a b"] open(name "/tmp/x\"y z", mode READ) /bin/ls "" x"#
        let tokens = TextEscaping.tokens(of: line)
        #expect(tokens == ["[pid", "7", #""a b""#, "]", "open(name", #""/tmp/x\"y z""#, ",", "mode", "READ)", "/bin/ls", #""""#, "x"])
        #expect(TextEscaping.unescape(tokens[5]) == Array("/tmp/x\"y z".utf8))
        #expect(TextEscaping.tokens(of: #""unterminated \" quote"#) == [#""unterminated \" quote"#])
    }

    @Test func badEscapesAreRefused() {
        #expect(TextEscaping.unescape(#""abc"#) == nil)
        #expect(TextEscaping.unescape(#""a\q""#) == nil)
        #expect(TextEscaping.unescape(#""a\""#) == nil)
        #expect(TextEscaping.unescape(#""\777""#) == nil)
        #expect(TextEscaping.unescape(#""\x4""#) == nil)
        #expect(TextEscaping.unescape(#""\x41""#) == [0x41])
    }

    @Test func guestTextShowsEscapedAndKeepsBytes() {
        let name = GuestText(bytes: [0xFF, 0xFE] + Array("bad".utf8))
        #expect("\(name)" == #""\377\376bad""#)
        #expect(name.utf8String == nil)
        #expect(GuestText("ok").utf8String == "ok")
        #expect(GuestText(bytes: Array("/bin/x\ny".utf8)).lastPathComponent == GuestText("x\ny"))
        #expect(GuestText(bytes: [0xFF]) != GuestText(bytes: [0xFE]))
        #expect(GuestText(bytes: [0xFF]).lossyString == GuestText(bytes: [0xFE]).lossyString)
    }
}
