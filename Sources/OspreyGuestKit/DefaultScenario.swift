/// The scenario a guest runs when `--scenario` is not given.
///
/// It performs the activity the introspection profile is learnt from, while Osprey watches
/// the system calls: every step makes the kernel build or change a structure whose layout the
/// profile needs, with values the scenario chooses and prints, so a profile generator can
/// recognise them in guest memory and the console can serve as the oracle (DESIGN §6).
///
/// - files under ``directory``: created (`O_CREAT` by redirection), written, appended, read,
///   copied and removed, with distinctive names (`dentry.d_name`, `file.f_path`);
/// - `cd` into ``directory`` and back to `/` (`fs_struct.pwd`);
/// - a tmpfs mounted on ``mountPoint`` with the device name ``mountSource``, a file created
///   and read in it, then unmounted (`vfsmount`, `mount.mnt_devname`, `super_block`);
/// - an open that fails with ENOENT (``failingOpenPath``);
/// - processes: a subshell, `sh -c`, a background job and `wait`, pipes; and a zombie: a
///   child that exits with ``zombieExitStatus`` and whose parent (`sleep 1`) never reaps it,
///   alive for about a second while the scenario goes on; `/proc/PID/stat` of the zombie is
///   printed (`task_struct.exit_state`, `exit_code`, `real_parent`);
/// - a process running as the user ``userName`` (uid ``userID``, gid ``groupID``): `su` runs
///   the `id` applet, which prints them (`task_struct.cred`, `cred.uid`, `cred.gid`);
/// - a dynamically linked program from a Debian package that starts threads: `pigz -p 2`
///   (``packages``), whose threads share one address space (`clone` with `CLONE_THREAD`,
///   `task_struct.tgid`, `mm_struct`, several VMAs of shared libraries);
/// - a TCP connection over loopback with busybox `nc`: a server on all addresses, port
///   ``tcpPort``, and a client from `127.0.0.1` to ``tcpServerAddress`` (so the connection's
///   source and destination addresses differ),
///   and netlink sockets of `ip` bringing `lo` up (`socket`, `sock`, `inet_sock`).
///
/// Each step prints a line `scenario: <what>`; a step that cannot happen prints
/// `scenario: <what> failed` and the scenario goes on. The steps that change the system (the
/// account, the mount, the network) run only inside an Osprey guest, recognised by
/// `/scenario.sh`, so the script can also run on a host. It exits 0 and takes a few seconds
/// under TCG at most (the zombie's one-second window overlaps the other steps).
public enum DefaultScenario {
    /// The directory the scenario works in.
    public static let directory = "/tmp/osprey-demo"

    /// Debian packages the default scenario needs: the guest kit adds them when no scenario
    /// file is given.
    public static let packages = ["pigz"]

    /// Every file the scenario opens by name (to create, write, append or read it), as the
    /// path appears in the `open`/`openat` call.
    public static let openedPaths: [String] = [
        "/tmp/osprey-demo/a.txt",
        "/tmp/osprey-demo/b.txt",
        "/tmp/osprey-demo/c.txt",
        "/tmp/osprey-demo/upper.txt",
        "/tmp/osprey-demo/zombie.pid",
        "/tmp/osprey-demo/osprey-created.txt",
        "/tmp/osprey-demo/osprey-empty.txt",
        "/tmp/osprey-demo/mnt/inner.txt",
        "/tmp/osprey-demo/random.bin",
        "/tmp/osprey-demo/random.bin.gz",
        "/tmp/osprey-demo/received.txt",
    ]

    /// The path of the open that fails with ENOENT.
    public static let failingOpenPath = "/nonexistent-osprey"
    /// Where the tmpfs is mounted.
    public static let mountPoint = "/tmp/osprey-demo/mnt"
    /// The tmpfs's source (device) name, as `/proc/mounts` shows it.
    public static let mountSource = "osprey-tmpfs"
    /// The exit status of the zombie process.
    public static let zombieExitStatus = 7
    /// The non-root user that runs `id`.
    public static let userName = "osprey"
    /// Its uid.
    public static let userID = 1000
    /// Its primary gid (different from the uid).
    public static let groupID = 1001
    /// The TCP port the `nc` server listens on (all addresses).
    public static let tcpPort = 8080
    /// The address the `nc` client connects to; the connection's source is `127.0.0.1`.
    public static let tcpServerAddress = "127.0.0.2"

    /// The script, installed as `/scenario.sh`.
    public static let script = """
        #!/bin/sh
        # Osprey's default scenario: the activity an introspection profile is learnt from.
        # Files, directories, a mount, processes, a zombie, another user, threads, pipes and
        # sockets. A step that cannot happen prints "scenario: ... failed"; the rest goes on.
        set -e
        d=\(directory)
        echo "scenario: pid $$"
        failed() { echo "scenario: $* failed"; }
        # The steps that change the system (account, mount, network) run only in an Osprey
        # guest, whose init runs this file as /scenario.sh.
        in_guest=false
        [ -f /scenario.sh ] && in_guest=true

        echo "scenario: files"
        mkdir -p $d
        echo hello > $d/a.txt
        cat $d/a.txt
        cp $d/a.txt $d/b.txt
        echo world >> $d/b.txt
        wc -l $d/b.txt
        ls -l $d

        echo "scenario: processes"
        (echo "subshell says hi")
        sh -c 'echo "sh -c runs as pid $$, child of $PPID"'
        (cat $d/a.txt > $d/c.txt; echo "background job done") &
        echo "scenario: started background job $!"
        wait
        cat $d/c.txt

        echo "scenario: pipes"
        cat $d/a.txt | tr a-z A-Z | wc -c
        cat $d/b.txt | tr a-z A-Z > $d/upper.txt
        cat $d/upper.txt

        echo "scenario: zombie: a child exits with status \(zombieExitStatus), its parent (sleep 1) never reaps it"
        (sh -c 'exit \(zombieExitStatus)' & echo $! > $d/zombie.pid; exec sleep 1) &
        zombie_parent=$!

        echo "scenario: cd $d"
        cd $d
        echo "scenario: create files"
        echo "created by the osprey scenario" > $d/osprey-created.txt
        cat $d/osprey-created.txt
        : > $d/osprey-empty.txt
        ls $d

        z=
        for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
            [ -s $d/zombie.pid ] && z=$(cat $d/zombie.pid) && grep -q '^State:.*Z' /proc/$z/status 2>/dev/null && break
            sleep 0.05
        done
        if [ -n "$z" ] && grep -q '^State:.*Z' /proc/$z/status 2>/dev/null; then
            echo "scenario: zombie $(awk '{ print "pid " $1 " " $2 " state " $3 " ppid " $4 " exit_code " $52 }' /proc/$z/stat)"
        else
            failed "zombie"
        fi

        echo "scenario: tmpfs on $d/mnt"
        mkdir $d/mnt
        if ! $in_guest; then
            echo "scenario: tmpfs skipped (not in an Osprey guest)"
        elif mount -t tmpfs \(mountSource) $d/mnt; then
            grep " $d/mnt " /proc/mounts || true
            { echo "inside the tmpfs" > $d/mnt/inner.txt && cat $d/mnt/inner.txt; } || failed "file on the tmpfs"
            umount $d/mnt || failed "umount"
        else
            failed "mount"
        fi

        echo "scenario: failing open of \(failingOpenPath)"
        cat \(failingOpenPath) 2>/dev/null || true

        echo "scenario: id as user \(userName) (uid \(userID), gid \(groupID))"
        if ! $in_guest; then
            echo "scenario: user skipped (not in an Osprey guest)"
        elif { grep -q '^\(userName):' /etc/group || echo "\(userName):x:\(groupID):" >> /etc/group; } &&
            { grep -q '^\(userName):' /etc/passwd || echo "\(userName):x:\(userID):\(groupID):Osprey:/tmp:/bin/sh" >> /etc/passwd; } &&
            out=$(su \(userName) -s /bin/sh -c id); then
            echo "scenario: id says: $out"
        else
            failed "su \(userName)"
        fi

        echo "scenario: threads: pigz -p 2"
        if head -c 400000 /dev/urandom > $d/random.bin && pigz -p 2 -k $d/random.bin; then
            ls -l $d/random.bin $d/random.bin.gz
        else
            failed "pigz"
        fi

        echo "scenario: tcp from 127.0.0.1 to \(tcpServerAddress):\(tcpPort)"
        if ! $in_guest; then
            echo "scenario: tcp skipped (not in an Osprey guest)"
        elif ip link set lo up && ip -4 addr show dev lo; then
            nc -w 5 -l -p \(tcpPort) 0.0.0.0 > $d/received.txt &
            server=$!
            i=0
            until grep -q ':\(String(tcpPort, radix: 16, uppercase: true)) 00000000:0000 0A' /proc/net/tcp || [ $i -ge 40 ]; do
                i=$((i + 1))
                sleep 0.05
            done
            echo "hello over tcp" | nc -w 5 \(tcpServerAddress) \(tcpPort) || failed "nc client"
            if wait $server; then
                echo "scenario: received: $(cat $d/received.txt)"
            else
                failed "nc server"
            fi
        else
            failed "bringing lo up"
        fi

        echo "scenario: cd /"
        cd /
        wait $zombie_parent || true
        echo "scenario: the zombie's parent ended"

        echo "scenario: cleanup"
        rm $d/a.txt $d/b.txt $d/c.txt $d/upper.txt $d/zombie.pid $d/osprey-created.txt $d/osprey-empty.txt
        rm -f $d/random.bin $d/random.bin.gz $d/received.txt
        rmdir $d/mnt $d || failed "removing $d"
        echo "scenario: done"

        """
}
