import Model

/// Step 1: project settings (3.7.0+ scans the `meltano.settings` group once per process).
struct SettingsStep: InvocationStep {
    var phase: Phase { .settings }

    func runs(for run: InvocationState) -> Bool { true }

    func perform(_ run: InvocationState, prepared: Void) {
        guard run.variant.release.scansSettingsGroup else { return }
        let settings = run.session.newAddonObject()
        _ = run.session.lookup(group: "meltano.settings", name: "project", via: settings)
    }
}
