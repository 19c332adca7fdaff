extension WorkloadPreset {
    /// Benign bumps every two and a half to four days over `days` (the quiet runs of the analysis suite and of the
    /// drift benchmark), cycling through the tuned and general models and
    /// the templates of every task, with shares of 1, 0.5 and 0.3 (a canary that stays, until the next bump replaces it).
    public static func quietBenignBumps(days: Int) -> [String] {
        let tasks = WorkloadCatalog.taskNames
        let shares = ["1", "0.5", "0.3"]
        var specs: [String] = []
        var hour = 30
        var n = 0
        while hour < days * 24 {
            n += 1
            let share = shares[n % shares.count]
            switch n % 4 {
            case 0: specs.append("benign_model@\(hour)h:model=tuned,share=\(share),version=ckpt-b\(n)")
            case 2: specs.append("benign_model@\(hour)h:model=general,share=\(share),version=general-b\(n)")
            default: specs.append("benign_template@\(hour)h:task=\(tasks[n % tasks.count]),share=\(share),version=b\(n)")
            }
            hour += 60 + (n * 13) % 37
        }
        return specs
    }
}
