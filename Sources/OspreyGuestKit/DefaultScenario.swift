/// The scenario a guest runs when `--scenario` is not given: it creates, writes, reads,
/// copies and removes files under `/tmp/osprey-demo`, starts processes (a subshell, `sh -c`,
/// a background job and `wait`) and uses pipes, printing what it does. It runs in well under
/// a second and exits 0.
public enum DefaultScenario {
    /// The directory the scenario works in.
    public static let directory = "/tmp/osprey-demo"

    /// Every file the scenario opens by name (to create, write, append or read it).
    public static let openedPaths: [String] = [
        "/tmp/osprey-demo/a.txt",
        "/tmp/osprey-demo/b.txt",
        "/tmp/osprey-demo/c.txt",
        "/tmp/osprey-demo/upper.txt",
    ]

    /// The script, installed as `/scenario.sh`.
    public static let script = """
        #!/bin/sh
        # Osprey's default scenario: files, processes and pipes.
        set -e
        d=\(directory)
        echo "scenario: pid $$"

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

        echo "scenario: cleanup"
        rm $d/a.txt $d/b.txt $d/c.txt $d/upper.txt
        rmdir $d
        echo "scenario: done"

        """
}
