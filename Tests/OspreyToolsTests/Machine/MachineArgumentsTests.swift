import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// A user's QEMU command line turned into a machine description, and every refusal.
struct MachineArgumentsTests {
    static func parse(_ arguments: [String], arch: Architecture = .x86_64) throws -> MachineDescription {
        try MachineArguments.parse(arguments, architecture: arch)
    }

    /// The reasons `arguments` are refused (empty if they are not).
    static func reasons(_ arguments: [String], arch: Architecture = .x86_64) -> [String] {
        do {
            _ = try MachineArguments.parse(arguments, architecture: arch)
            return []
        } catch {
            return error.reasons
        }
    }

    @Test func optionsParseWithFlagsAndValues() {
        let options = QemuOption.parse(["-nodefaults", "-m", "512M", "--kernel", "vmlinuz", "disk.img", "-S"])
        #expect(options == [QemuOption("nodefaults"), QemuOption("m", "512M"), QemuOption("kernel", "vmlinuz"), QemuOption("", "disk.img"), QemuOption("S")])
        #expect(QemuOption.arguments(options) == ["-nodefaults", "-m", "512M", "-kernel", "vmlinuz", "disk.img", "-S"])
    }

    @Test func keyValuesKeepDoubledCommas() {
        let spec = QemuKeyValues("file=a,,b.img,if=none,readonly")
        #expect(spec["file"] == "a,b.img")
        #expect(spec["if"] == "none")
        #expect(spec["readonly"] == "on")
        #expect(spec.text == "file=a,,b.img,if=none,readonly=on")
        #expect(QemuKeyValues("user,id=n0", impliedKey: "type")["type"] == "user")
    }

    @Test func aTypicalMachineBecomesItsDescription() throws {
        let machine = try Self.parse([
            "-M", "virt,gic-version=3,accel=tcg", "-cpu", "max,+sve,pmu=off", "-m", "2G", "-nodefaults", "-no-reboot",
            "-kernel", "Image", "-initrd", "initrd.img", "-append", "console=ttyAMA0 root=/dev/vda; rm -rf /",
            "-drive", "file=disk.qcow2,format=qcow2,if=none,id=hd0,cache=unsafe", "-device", "virtio-blk-pci,drive=hd0,bootindex=1",
            "-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56",
            "-serial", "stdio", "-monitor", "none", "-display", "none", "-smp", "1", "-accel", "tcg",
        ], arch: .aarch64)
        #expect(machine.machineType == "virt")
        #expect(machine.machineProperties == QemuKeyValues(pairs: [("gic-version", "3")]))
        #expect(machine.cpuModel == "max" && machine.cpuFeatures == ["+sve", "pmu=off"])
        #expect(machine.memoryMiB == 2048)
        #expect(machine.flags == [.nodefaults, .noReboot])
        #expect(machine.kernel == "Image" && machine.initrd == "initrd.img")
        #expect(machine.append == "console=ttyAMA0 root=/dev/vda; rm -rf /")
        #expect(machine.drives == [{
            var drive = MachineDescription.Drive(id: "hd0", file: "disk.qcow2", format: "qcow2", interface: .none)
            drive.options = QemuKeyValues(pairs: [("cache", "unsafe")])
            return drive
        }()])
        #expect(machine.netdevs == [.init(id: "n0", type: "user", options: QemuKeyValues(pairs: [("restrict", "on")]))])
        #expect(machine.devices.map(\.driver) == ["virtio-blk-pci", "virtio-net-pci"])
        #expect(machine.display == .none)
    }

    @Test func drivesGetIdsAndTheArchitecturesInterface() throws {
        let pc = try Self.parse(["-hda", "a.img", "-drive", "file=b.img,if=virtio"])
        #expect(pc.drives.map(\.id) == ["disk0", "disk1"])
        #expect(pc.drives.map(\.interface) == [.ide, .virtio])
        let arm = try Self.parse(["-drive", "file=a.img"], arch: .aarch64)
        #expect(arm.drives.first?.interface == .virtio)
        let flash = try Self.parse(["-drive", "if=pflash,format=raw,readonly=on,unit=0,file=code.fd"], arch: .aarch64)
        #expect(flash.drives.first?.id == "pflash0" && flash.drives.first?.readonly == true && flash.drives.first?.unit == 0)
    }

    @Test func laterOptionsWinAsInQEMU() throws {
        let machine = try Self.parse(["-m", "512M", "-m", "1G", "-nographic", "-display", "none"])
        #expect(machine.memoryMiB == 1024)
        #expect(machine.display == .nographic)
    }

    /// Each row: arguments, and a word of the one reason they are refused.
    @Test(arguments: [
        (["-enable-kvm"], "TCG only"),
        (["-accel", "kvm"], "TCG only"),
        (["-accel", "tcg,thread=multi"], "one thread"),
        (["-machine", "q35,accel=kvm"], "TCG only"),
        (["-icount", "shift=1"], "sets the instruction counter"),
        (["-nic", "user"], "filter-replay"),
        (["-net", "nic"], "filter-replay"),
        (["-cdrom", "x.iso"], "CD-ROM"),
        (["-blockdev", "driver=file,filename=x"], "-blockdev"),
        (["-drive", "driver=qcow2,file=x"], "blkreplay driver itself"),
        (["-drive", "file=x,if=scsi"], "if=scsi"),
        (["-drive", "file=x,media=cdrom"], "CD-ROM"),
        (["-drive", "file=x,if=ide,index=1"], "pflash drives only"),
        (["-drive", "file=x,aio=native"], "drive setting aio"),
        (["-device", "vfio-pci,host=01:00.0"], "passes a host device through"),
        (["-loadvm", "snap"], "from a boot"),
        (["-smp", "2"], "one CPU only"),
        (["-smp", "sockets=1,cores=2"], "one CPU only"),
        (["disk.img"], "-drive file="),
        // What reaches the host.
        (["-plugin", "/tmp/evil.so"], "its own plugin"),
        (["-serial", "file:/root/.bashrc"], "serial console is Osprey's"),
        (["-serial", "unix:/tmp/s,server"], "serial console is Osprey's"),
        (["-chardev", "file,id=c0,path=/root/.bashrc"], "character devices"),
        (["-drive", "file=/etc/shadow,format=raw,if=none,id=x,file.locking=off"], "drive setting file.locking"),
        (["-virtfs", "local,path=/,mount_tag=h,security_model=none"], "shares a host directory"),
        (["-fsdev", "local,id=f,path=/"], "shares a host directory"),
        (["-monitor", "unix:/tmp/m,server,nowait"], "-monitor none"),
        (["-monitor", "stdio"], "-monitor none"),
        (["-qmp", "tcp:0:4444,server"], "-monitor none"),
        (["-incoming", "exec:sh -c 'id > /tmp/x'"], "runs a host command"),
        (["-object", "memory-backend-file,id=m,mem-path=/etc/shadow,size=1G"], "QEMU objects"),
        (["-machine", "q35,memory-backend=m"], "memory-backend"),
        (["-machine", "q35,dumpdtb=/root/.bashrc"], "dumpdtb writes the device tree"),
        (["-machine", "q35,kernel=/etc/shadow"], "machine property kernel"),
        (["-device", "loader,file=/etc/shadow,addr=0x1000"], "loads a host file"),
        (["-device", "guest-loader,kernel=/etc/shadow,addr=0x1000"], "loads a host file"),
        (["-device", "e1000,romfile=/etc/shadow"], "names a host file"),
        (["-device", "virtio-rng-pci,rng=r0"], "names a host file or object"),
        (["-netdev", "user,id=n0,guestfwd=tcp:10.0.2.100:80-cmd:id"], "guestfwd"),
        (["-netdev", "user,id=n0,smb=/root"], "smb"),
        (["-netdev", "user,id=n0,tftp=/etc"], "serves host files"),
        (["-netdev", "user,id=n0,bootfile=/etc/shadow"], "serves host files"),
        (["-netdev", "user,id=n0,hostfwd=tcp::2222-:22"], "hostfwd"),
        (["-netdev", "tap,id=n0,script=/tmp/evil.sh"], "user-mode network"),
        (["-netdev", "socket,id=n0,listen=:1234"], "user-mode network"),
        (["-L", "/tmp/evil"], "firmware directory"),
        (["-mem-path", "/dev/shm/x"], "host file"),
        (["-D", "/root/.bashrc"], "host log file"),
        (["-pidfile", "/root/.bashrc"], "writes a host file"),
        (["-readconfig", "/etc/evil.cfg"], "host configuration file"),
        (["-fw_cfg", "name=opt/x,file=/etc/shadow"], "loads a host file"),
        (["-acpitable", "file=/etc/shadow"], "loads a host file"),
        (["-smbios", "file=/etc/shadow"], "host file"),
        (["-boot", "splash=/etc/shadow"], "splash names a host file"),
        (["-display", "vnc=:0"], "without a display"),
        (["-vga", "qxl"], "vga qxl"),
        (["-global", "e1000.romfile=/etc/shadow"], "cannot check"),
        (["-add-fd", "fd=3,set=1"], "file descriptors"),
        (["-gdb", "tcp::1234"], "debugger socket"),
        (["-cpu", "host"], "needs KVM"),
        (["-cpu", "max,+x2apic,file=/etc/x,,y"], "cpu feature"),
        (["-rtc", "base=utc,clock=host,path=/x"], "rtc setting path"),
        (["-m", "size=1G,slots=2,maxmem=4G"], "memory hotplug"),
        (["-sandbox", "on"], "how QEMU runs"),
        (["-trace", "events=/tmp/e"], "trace files"),
        (["-someday-option", "x"], "not an option a recording can hold"),
    ])
    func refusals(arguments: [String], reason: String) {
        let reasons = Self.reasons(arguments)
        #expect(reasons.count == 1, "\(reasons)")
        #expect(reasons.first?.contains(reason) == true, "\(reasons)")
        #expect(reasons.first?.hasPrefix(arguments[0]) == true, "the reason names its option: \(reasons)")
    }

    @Test func everyReasonIsGivenAtOnce() {
        let reasons = Self.reasons(["-enable-kvm", "-smp", "4", "-serial", "file:/x", "-netdev", "user,id=n0,smb=/", "-device", "loader,file=/x"])
        #expect(reasons.count == 5, "\(reasons)")
    }

    @Test func hostileTextInAnOptionIsEscapedInItsReason() {
        let reasons = Self.reasons(["-serial", "file:/x\u{1b}[2J"])
        #expect(reasons.first?.contains("\u{1b}") == false)
        #expect(reasons.first?.contains("\\33[2J") == true)
    }

    @Test func devicesMustNameDrivesAndNetdevsOfTheMachine() {
        #expect(Self.reasons(["-device", "virtio-blk-pci,drive=nowhere"]).first?.contains("names no drive") == true)
        #expect(Self.reasons(["-device", "e1000,netdev=n9"]).first?.contains("names no netdev") == true)
        #expect(Self.reasons(["-drive", "file=a,if=virtio,id=d", "-device", "virtio-blk-pci,drive=d"]).first?.contains("interface none") == true)
        #expect(Self.reasons(["-drive", "file=a,id=osprey-img-x"]).first?.contains("Osprey's own") == true)
        #expect(Self.reasons(["-netdev", "user"]).first?.contains("id=") == true)
    }
}
