/// Computes the Depends/Pre-Depends closure of packages for one architecture through the
/// private apt: the first alternative of `a | b` that exists, virtual packages through a
/// provider (one already chosen if any, else the shortest name), unknown names skipped with
/// a warning (missing libraries are reported later, by the ELF closure).
struct DependencyResolver {
    let store: PackageStore
    let architecture: String

    /// The closure of `roots` (which must exist), in a deterministic order: roots first, then
    /// dependencies level by level, each level sorted by name.
    func closure(of roots: [String]) throws -> [PackageInfo] {
        var selected: [String: PackageInfo] = [:]
        var order: [String] = []
        for root in roots where selected[root] == nil {
            let info = try store.resolve(root, architecture: architecture)
            selected[root] = info
            order.append(root)
        }
        var pending: [[DebianDependency]] = roots.compactMap { selected[$0] }.flatMap(\.dependencies)
        var virtualsDone: Set<String> = []
        var providerOf: [String: String] = [:]
        func satisfied(_ dependency: DebianDependency) -> Bool {
            selected[dependency.name] != nil || providerOf[dependency.name] != nil
        }
        while !pending.isEmpty {
            let groups = pending.filter { group in !group.contains(where: satisfied) }
            pending = []
            let names = Set(groups.compactMap(\.first?.name)).sorted()
            guard !names.isEmpty else { break }
            let infos = try store.apt.show(names, architecture: architecture)
            var retry: [[DebianDependency]] = []
            for group in groups {
                guard let first = group.first, !group.contains(where: satisfied) else { continue }
                if let info = infos[first.name] {
                    selected[first.name] = info
                    order.append(first.name)
                    pending += info.dependencies
                } else if !virtualsDone.contains(first.name),
                    let provider = try chooseProvider(of: first.name, selected: selected)
                {
                    virtualsDone.insert(first.name)
                    providerOf[first.name] = provider
                    retry.append([DebianDependency(name: provider, architectureQualifier: nil)])
                } else if group.count > 1 {
                    retry.append(Array(group.dropFirst()))
                } else if !virtualsDone.contains(first.name) {
                    virtualsDone.insert(first.name)
                    store.progress("osprey: warning: dependency \(first.name) (\(architecture)) not found, skipped")
                }
            }
            pending += retry
        }
        return order.compactMap { selected[$0] }
    }

    private func chooseProvider(of name: String, selected: [String: PackageInfo]) throws -> String? {
        let providers = try store.apt.providers(of: name, architecture: architecture)
        if let already = providers.first(where: { selected[$0] != nil }) { return already }
        return providers.min { ($0.count, $0) < ($1.count, $1) }
    }
}
