/// The offsets a profile gives, resolved once into plain integers for the readers.
///
/// Built from a ``KernelProfile``; only the task fields are required. A reader whose
/// optional fields are missing returns nil for what needs them (files without `fdtable.fd`,
/// maps without the VMA container), and the monitors log that once and go on.
public struct LinuxLayout: Sendable {
    typealias F = LinuxField

    public let architecture: Architecture
    public let currentTask: CurrentTaskLocation
    // task_struct
    let pid: Int, tgid: Int, comm: Int, tasks: Int, realParent: Int
    let state: Int?, exitState: Int?, exitCode: Int?, mm: Int?, files: Int?, fs: Int?
    let realCred: Int?, threadGroup: Int?, credUID: Int?
    // mm_struct and VMAs
    let argStart: Int?, argEnd: Int?, exeFile: Int?, startBrk: Int?, brk: Int?, startStack: Int?
    let mapleRoot: Int?, vmaList: Int?, vmNext: Int?
    let vmStart: Int?, vmEnd: Int?, vmFlags: Int?, vmFile: Int?, vmPgoff: Int?
    // files
    let fdt: Int?, fdArray: Int?, maxFDs: Int?
    let fPath: Int?, fPos: Int?, fInode: Int?, fFlags: Int?, privateData: Int?
    let pathMnt: Int?, pathDentry: Int?, dName: Int?, dParent: Int?, qstrName: Int?
    let mountMnt: Int?, mountParent: Int?, mountMountpoint: Int?, mntRoot: Int?, fsRoot: Int?
    let iIno: Int?, iMode: Int?
    // sockets
    let socketSK: Int?, skcFamily: Int?, skcNum: Int?, skcDport: Int?, skcRcvSaddr: Int?, skcDaddr: Int?

    /// Nil when the profile lacks the current task or a task field every reader needs.
    public init?(profile: KernelProfile) {
        let o = profile.offsets
        guard let current = profile.currentTask, let pid = o[F.pid], let tgid = o[F.tgid], let comm = o[F.comm],
              let tasks = o[F.tasks], let realParent = o[F.realParent]
        else { return nil }
        architecture = profile.kernel.architecture
        currentTask = current
        self.pid = pid
        self.tgid = tgid
        self.comm = comm
        self.tasks = tasks
        self.realParent = realParent
        state = o[F.state] ?? o["task_struct.state"]
        exitState = o[F.exitState]
        exitCode = o[F.exitCode]
        mm = o[F.mm]
        files = o[F.files]
        fs = o[F.fs]
        realCred = o[F.realCred]
        threadGroup = o[F.threadGroup]
        credUID = o[F.uid]
        argStart = o[F.argStart]
        argEnd = o[F.argEnd]
        exeFile = o[F.exeFile]
        startBrk = o[F.startBrk]
        brk = o[F.brk]
        startStack = o[F.startStack]
        if profile.vmaContainer == .mapleTree, let tree = o[F.mmMT], let root = o[F.maRoot] {
            mapleRoot = tree + root
        } else {
            mapleRoot = nil
        }
        vmaList = profile.vmaContainer == .list ? o[F.mmap] : nil
        vmNext = o[F.vmNext]
        vmStart = o[F.vmStart]
        vmEnd = o[F.vmEnd]
        vmFlags = o[F.vmFlags]
        vmFile = o[F.vmFile]
        vmPgoff = o[F.vmPgoff]
        fdt = o[F.fdt]
        fdArray = o[F.fdArray]
        maxFDs = o[F.maxFDs]
        fPath = o[F.fPath]
        fPos = o[F.fPos]
        fInode = o[F.fInode]
        fFlags = o[F.fFlags]
        privateData = o[F.privateData]
        pathMnt = o[F.pathMnt]
        pathDentry = o[F.pathDentry]
        dName = o[F.dName]
        dParent = o[F.dParent]
        qstrName = o[F.qstrName]
        mountMnt = o[F.mountMnt]
        mountParent = o[F.mountParent]
        mountMountpoint = o[F.mountMountpoint]
        mntRoot = o[F.mntRoot]
        fsRoot = o[F.fsRoot]
        iIno = o[F.iIno]
        iMode = o[F.iMode]
        socketSK = o[F.socketSK]
        skcFamily = o[F.skcFamily]
        skcNum = o[F.skcNum]
        skcDport = o[F.skcDport]
        skcRcvSaddr = o[F.skcRcvSaddr]
        skcDaddr = o[F.skcDaddr]
    }

    /// Fields the readers would use that the profile lacks (for one log line at start).
    public static func missingFields(in profile: KernelProfile) -> [String] {
        let wanted = [
            F.state, F.exitState, F.exitCode, F.mm, F.files, F.fs, F.realCred, F.uid, F.argStart, F.argEnd, F.exeFile,
            F.vmStart, F.vmEnd, F.vmFlags, F.vmFile, F.vmPgoff, F.fdt, F.fdArray, F.maxFDs, F.fPath, F.fInode,
            F.pathMnt, F.pathDentry, F.dName, F.dParent, F.qstrName, F.mountMnt, F.mountParent, F.mountMountpoint,
            F.mntRoot, F.fsRoot, F.iIno, F.iMode, F.socketSK, F.skcFamily,
        ]
        return wanted.filter { key in
            profile.offsets[key] == nil && !(key == F.state && profile.offsets["task_struct.state"] != nil)
        }
    }
}
