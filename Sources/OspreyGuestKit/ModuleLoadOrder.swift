/// The order in which to load kernel modules: a module after every module it depends on
/// (a topological order of the dependency graph, found depth first). Deterministic: roots
/// in the order given, dependencies in the order `.modinfo` lists them.
enum ModuleLoadOrder {
    /// What to load, and which roots need nothing because the kernel has them built in.
    struct Plan: Equatable {
        /// Module names, dependencies first.
        var modules: [String]
        /// Roots absent from the package but listed as built in (`=y`).
        var builtinRoots: [String]
    }

    /// Resolves `roots` and everything they depend on.
    /// - Parameters:
    ///   - source: names where the modules come from (the kernel package) in errors.
    ///   - isAvailable: whether the package has a file for a module.
    ///   - isBuiltin: whether a module is built into the kernel (`modules.builtin`).
    ///   - dependencies: a module's `depends=` (called once per available module).
    /// - Throws: ``GuestKitError/missingModule(name:neededBy:source:)`` for a module that is
    ///   neither available nor built in, ``GuestKitError/moduleCycle(_:)`` for a circle,
    ///   ``GuestKitError/malformed(file:reason:)`` for a name that is not a plain module name.
    static func resolve(
        roots: [String], source: String, isAvailable: (String) -> Bool, isBuiltin: (String) -> Bool,
        dependencies: (String) throws -> [String]
    ) throws -> Plan {
        var order: [String] = []
        var loaded: Set<String> = []
        var builtinRoots: [String] = []
        var stack: [String] = []

        func visit(_ raw: String, neededBy: String?) throws {
            let name = KernelModuleName.normalize(raw)
            guard KernelModuleName.isPlain(name) else {
                throw GuestKitError.malformed(
                    file: neededBy.map { "kernel module \($0)" } ?? "module list", reason: "invalid module name \(raw)")
            }
            if loaded.contains(name) { return }
            if let start = stack.firstIndex(of: name) { throw GuestKitError.moduleCycle(Array(stack[start...]) + [name]) }
            guard isAvailable(name) else {
                guard isBuiltin(name) else { throw GuestKitError.missingModule(name: name, neededBy: neededBy, source: source) }
                if neededBy == nil, !builtinRoots.contains(name) { builtinRoots.append(name) }
                return
            }
            stack.append(name)
            for dependency in try dependencies(name) { try visit(dependency, neededBy: name) }
            stack.removeLast()
            loaded.insert(name)
            order.append(name)
        }

        for root in roots { try visit(root, neededBy: nil) }
        return Plan(modules: order, builtinRoots: builtinRoots)
    }
}
