import BenchmarkSupport
import Foundation

/// Renders the outcomes as Markdown tables: medians over rounds, ratios as medians of per-round ratios.
struct Report {
    let plan: Plan
    let outcomes: [Outcome]
    let seconds: Double
    /// `/proc/loadavg` when the run began: the machine is shared, so say how busy it was.
    let loadAverage: String

    func render() -> String {
        var out: [String] = []
        out.append("# tidemark-bench")
        out.append("")
        let arguments = CommandLine.arguments.dropFirst()
        out.append("- command: `tidemark-bench\(arguments.isEmpty ? "` (defaults)" : " " + arguments.joined(separator: " ") + "`")"
            + " (from `Benchmarks/`, "
            + "after `swift build -c release`; binary `.build/release/tidemark-bench`)")
        out.append("- machine: \(machine()); load average at start \(loadAverage)")
        out.append("- durability: \(plan.durability.rawValue)"
            + (plan.durability == .durable ? " (LMDB default flags + MDB_NOTLS; peer WAL + synchronous=NORMAL)"
                : " (LMDB MDB_NOMETASYNC; peer WAL + synchronous=NORMAL)"))
        out.append("- rounds: \(plan.rounds), interleaved \(plan.systems.map(\.rawValue).joined(separator: " → ")), "
            + "each run a fresh process and a fresh directory; figures are medians, ratios medians of per-round ratios")
        if plan.smoke {
            out.append("- SMOKE run: tiny sizes, 1 round; the figures mean nothing")
        } else if plan.recordsOverride == nil, plan.chain || plan.memory {
            out.append("- sizes scaled down from BENCHMARKS.md (1,000,000 small / 300,000 large) to "
                + "\(formatCount(Double(Defaults.records[.small]!))) / \(formatCount(Double(Defaults.records[.large]!))) "
                + "so the default run fits in about 15 minutes on this machine; pass --records for the full sizes")
        }
        out.append("- W1/W2 rates: records / time inside the write calls (record generation excluded); "
            + "W3: wall time of a full replay from the first cursor, median of 3 passes (the floor scans raw log "
            + "entries, superseded ones included)")
        out.append("- total time: \(String(format: "%.0f", seconds)) s")
        for shape in plan.shapes {
            out.append("")
            out.append(contentsOf: renderShape(shape))
        }
        let failures = outcomes.filter { $0.failure != nil }
        if !failures.isEmpty {
            out.append("")
            out.append("## Failed runs")
            for failure in failures {
                out.append("- \(failure.shape) \(failure.system) round \(failure.round) \(failure.group.rawValue): \(failure.failure!)")
            }
        }
        return out.joined(separator: "\n")
    }

    private func machine() -> String {
        var model = "unknown CPU"
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":")
        {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(model), "
            + "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB, Linux, release build"
    }

    // MARK: - Per shape

    private func measurements(_ shape: RecordShape, _ system: SystemKind, _ workload: String) -> [Int: Measurement] {
        var byRound: [Int: Measurement] = [:]
        for outcome in outcomes where outcome.shape == shape && outcome.system == system {
            if let m = outcome.measurements.first(where: { $0.workload == workload }) { byRound[outcome.round] = m }
        }
        return byRound
    }

    private func medianRate(_ shape: RecordShape, _ system: SystemKind, _ workload: String) -> Double? {
        let values = measurements(shape, system, workload).values.map(\.recordsPerSecond)
        return values.isEmpty ? nil : Statistics.median(values)
    }

    /// Median over rounds of `numerator / denominator`, each a function of one round's measurement.
    private func pairedRatio(_ shape: RecordShape, _ a: SystemKind, _ workloadA: String,
                             _ b: SystemKind, _ workloadB: String,
                             _ value: (Measurement) -> Double = { $0.recordsPerSecond }) -> Double? {
        let left = measurements(shape, a, workloadA)
        let right = measurements(shape, b, workloadB)
        let ratios = left.compactMap { round, m -> Double? in
            guard let r = right[round], value(r) > 0 else { return nil }
            return value(m) / value(r)
        }
        return ratios.isEmpty ? nil : Statistics.median(ratios)
    }

    private func renderShape(_ shape: RecordShape) -> [String] {
        var out: [String] = []
        let generator = RecordGenerator(shape: shape)
        let sample = (0..<1_000).map { generator.record(at: $0).json.count }
        let mean = sample.reduce(0, +) / sample.count
        let records = plan.records(for: shape)
        out.append("## shape \(shape.rawValue) (JSON ≈ \(mean) B a record)")

        let systems = plan.systems
        let hasTidemark = systems.contains(.tidemark)
        if plan.chain {
            out.append("")
            out.append("N = \(formatCount(Double(records))) (BENCHMARKS.md: \(formatCount(Double(Defaults.specRecords[shape]!)))), "
                + "B = \(formatCount(Double(plan.batch))), \(plan.durability.rawValue)")
            out.append("")
            var rows: [[String]] = []
            var header = ["workload"] + systems.map { "\($0.rawValue) rec/s" }
            if hasTidemark {
                header += ["tidemark/floor", "target", "tidemark/peer", "target"]
            }
            var workloads: [(String, String, Double?, Double?)] = [("W1", "W1 backfill", 0.80, 3.0)]
            if plan.resync { workloads.append(("W2", "W2 re-sync (5% changed)", 0.70, 4.0)) }
            for size in plan.pageSizes {
                for form in plan.replayForms {
                    let targeted = form == .borrowed && size >= 10_000
                    workloads.append((form.workload(pageSize: size), "W3 replay \(form.rawValue), pages of \(formatCount(Double(size)))",
                                      targeted ? 0.30 : nil, targeted ? 10.0 : nil))
                }
            }
            if plan.deletes { workloads.append(("W5", "W5 delete detection (window, 99% re-saved, close)", nil, nil)) }
            for (key, label, floorTarget, peerTarget) in workloads {
                var row = [label] + systems.map { medianRate(shape, $0, key).map(formatCount) ?? "—" }
                if hasTidemark {
                    let vsFloor = pairedRatio(shape, .tidemark, key, .floor, key)
                    let vsPeer = pairedRatio(shape, .tidemark, key, .peer, key)
                    row += [ratio(vsFloor), target(vsFloor, atLeast: floorTarget),
                            ratio(vsPeer), target(vsPeer, atLeast: peerTarget)]
                }
                rows.append(row)
            }
            out.append(contentsOf: table(header: header, rows: rows))
            if hasTidemark, plan.replayForms.contains(.http) {
                out.append("")
                for size in plan.pageSizes {
                    let http = ReplayForm.http.workload(pageSize: size)
                    let inProcess = pairedRatio(shape, .tidemark, http, .tidemark, ReplayForm.borrowed.workload(pageSize: size))
                    let json = pairedRatio(shape, .tidemark, http, .tidemark, ReplayForm.json.workload(pageSize: size))
                    out.append("W3 over HTTP, pages of \(formatCount(Double(size))): \(ratio(inProcess)) of the in-process "
                        + "borrowed replay (target ≥ 0.30: \(target(inProcess, atLeast: size >= 10_000 ? 0.30 : nil))), "
                        + "\(ratio(json)) of the in-process JSON rendering of the same pages.")
                }
            }

            out.append("")
            out.append("Commit latency per batch (ms, p50 / p99, medians over rounds); CPU per record (process CPU, all "
                + "threads, inside the measured calls: steadier than rates on a shared machine); store size on disk "
                + "(MiB allocated):")
            out.append("")
            var latencyRows: [[String]] = []
            for key in plan.resync ? ["W1", "W2"] : ["W1"] {
                latencyRows.append(["\(key) commit p50 / p99"] + systems.map { system in
                    let m = Array(measurements(shape, system, key).values)
                    guard !m.isEmpty else { return "—" }
                    return milliseconds(Statistics.median(m.compactMap(\.p50Milliseconds))) + " / "
                        + milliseconds(Statistics.median(m.compactMap(\.p99Milliseconds)))
                })
            }
            if plan.deletes {
                latencyRows.append(["W5 window close (ms)"] + systems.map { system in
                    let m = measurements(shape, system, "W5").values.compactMap(\.p50Milliseconds)
                    return m.isEmpty ? "—" : milliseconds(Statistics.median(m))
                })
            }
            for key in (plan.resync ? ["W1", "W2"] : ["W1"]) + (plan.deletes ? ["W5"] : []) + plan.pageSizes.flatMap({ size in plan.replayForms.map { $0.workload(pageSize: size) } }) {
                latencyRows.append(["\(key) CPU µs per record"] + systems.map { system in
                    let m = measurements(shape, system, key).values.compactMap { m in
                        m.cpuSeconds.map { $0 * 1e6 / Double(max(m.records, 1)) }
                    }
                    return m.isEmpty ? "—" : String(format: "%.2f", Statistics.median(m))
                })
            }
            for key in plan.resync ? ["W1", "W2"] : ["W1"] {
                latencyRows.append(["size after \(key)"] + systems.map { system in
                    let m = measurements(shape, system, key).values.compactMap(\.diskAllocated)
                    return m.isEmpty ? "—" : mebibytes(Statistics.median(m.map(Double.init)))
                })
            }
            latencyRows.append(["heap after W1 (RssAnon)"] + systems.map { system in
                let m = measurements(shape, system, "W1").values.compactMap(\.heapBytes)
                return m.isEmpty ? "—" : mebibytes(Statistics.median(m.map(Double.init)))
            })
            out.append(contentsOf: table(header: ["figure"] + systems.map(\.rawValue), rows: latencyRows))
        }

        if plan.retention {
            out.append("")
            out.append("W6 retention: N = \(formatCount(Double(records))), each updated 3 times, half older than the payload "
                + "TTL; prune + log compaction + compacted copy. Rate = N / time of that step; sizes in MiB allocated.")
            out.append("")
            var rows: [[String]] = []
            rows.append(["W6 records/s"] + systems.map { medianRate(shape, $0, "W6").map(formatCount) ?? "—" })
            rows.append(["W6 seconds"] + systems.map { system in
                let m = measurements(shape, system, "W6").values.map(\.seconds)
                return m.isEmpty ? "—" : String(format: "%.2f", Statistics.median(m))
            })
            rows.append(["size before"] + systems.map { system in
                let m = measurements(shape, system, "W6").values.compactMap(\.diskAllocatedBefore)
                return m.isEmpty ? "—" : mebibytes(Statistics.median(m.map(Double.init)))
            })
            rows.append(["size after (compacted copy)"] + systems.map { system in
                let m = measurements(shape, system, "W6").values.compactMap(\.diskAllocated)
                return m.isEmpty ? "—" : mebibytes(Statistics.median(m.map(Double.init)))
            })
            out.append(contentsOf: table(header: ["W6"] + systems.map(\.rawValue), rows: rows))
        }
        if plan.concurrent {
            out.append("")
            out.append("W4: \(plan.writers) writers on \(plan.writers) connections × \(formatCount(Double(plan.recordsPerWriter))) "
                + "records, batches of \(plan.concurrentBatch), \(plan.durability.rawValue) (BENCHMARKS.md: 4 × 100,000); "
                + "readers replay pages of 1,000 in a loop. Blocking systems (floor, peer) write from threads, "
                + "tidemark from tasks.")
            out.append("")
            let one = "W4/1w", many = "W4/\(plan.writers)w", withReaders = "W4/\(plan.writers)w+\(plan.readers)r"
            var rows: [[String]] = []
            for (key, label) in [(one, "1 writer"), (many, "\(plan.writers) writers"),
                                 (withReaders, "\(plan.writers) writers + \(plan.readers) readers")] {
                rows.append(["\(label), rec/s"] + systems.map { medianRate(shape, $0, key).map(formatCount) ?? "—" })
            }
            rows.append(["\(plan.writers) writers / 1 writer (target tidemark ≥ 3.0)"]
                + systems.map { ratio(pairedRatio(shape, $0, many, $0, one)) })
            rows.append(["with readers / without (target tidemark ≥ 0.90)"]
                + systems.map { ratio(pairedRatio(shape, $0, withReaders, $0, many)) })
            rows.append(["\(plan.writers) writers commit p50 / p99 ms"] + systems.map { system in
                let m = Array(measurements(shape, system, many).values)
                guard !m.isEmpty else { return "—" }
                return milliseconds(Statistics.median(m.compactMap(\.p50Milliseconds))) + " / "
                    + milliseconds(Statistics.median(m.compactMap(\.p99Milliseconds)))
            })
            out.append(contentsOf: table(header: ["W4"] + systems.map(\.rawValue), rows: rows))
        }

        if plan.memory, plan.memoryRecords.count >= 1 {
            out.append("")
            out.append("W7: anonymous memory (RssAnon) of a fresh process after W1, B = \(formatCount(Double(plan.batch))) "
                + "(BENCHMARKS.md: 100,000 vs 1,000,000); the LMDB map is file-backed and not counted.")
            out.append("")
            var rows: [[String]] = []
            var perSystem: [SystemKind: [Int: [Double]]] = [:]
            for outcome in outcomes where outcome.shape == shape && outcome.group == .memory {
                for m in outcome.measurements where m.workload == "W7" {
                    perSystem[outcome.system, default: [:]][m.records, default: []].append(Double(m.heapBytes ?? 0))
                }
            }
            for size in plan.memoryRecords {
                rows.append(["heap at N = \(formatCount(Double(size)))"] + systems.map { system in
                    perSystem[system]?[size].map { mebibytes(Statistics.median($0)) } ?? "—"
                })
            }
            if let low = plan.memoryRecords.first, let high = plan.memoryRecords.last, low != high {
                rows.append(["ratio (target tidemark ≤ 1.10)"] + systems.map { system in
                    guard let a = perSystem[system]?[low], let b = perSystem[system]?[high] else { return "—" }
                    return ratio(Statistics.median(b) / Statistics.median(a))
                })
            }
            out.append(contentsOf: table(header: ["W7"] + systems.map(\.rawValue), rows: rows))
        }
        return out
    }

    // MARK: - Formatting

    private func ratio(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: "%.2f", value)
    }

    private func target(_ value: Double?, atLeast limit: Double?) -> String {
        guard let limit else { return "" }
        guard let value else { return "≥ \(limit)" }
        return (value >= limit ? "≥ \(limit) ok" : "≥ \(limit) MISS")
    }

    private func milliseconds(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    private func mebibytes(_ bytes: Double) -> String {
        String(format: "%.1f", bytes / 1_048_576)
    }

    private func table(header: [String], rows: [[String]]) -> [String] {
        let columns = header.count
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            "| " + (0..<columns).map { index in
                let cell = index < cells.count ? cells[index] : ""
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: " | ") + " |"
        }
        var out = [line(header)]
        out.append("|" + widths.enumerated().map { index, width in
            index == 0 ? " " + String(repeating: "-", count: width) + " " : " " + String(repeating: "-", count: width - 1) + ": "
        }.joined(separator: "|") + "|")
        out.append(contentsOf: rows.map(line))
        return out
    }
}
