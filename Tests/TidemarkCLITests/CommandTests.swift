import Foundation
import LMDB
import Testing
import TidemarkTestSupport

@Suite("The tidemark command")
struct CommandTests {
    private let dataset = ["--integration", "crm", "--connection", "acme", "--model", "Contact"]

    private func store(_ cli: CommandRunner) -> [String] { ["--data", cli.data] }

    @Test func importThenRecordsThenExportRoundTrips() async throws {
        let cli = try CommandRunner()
        let lines = (1...5).map { #"{"name": "n\#($0)", "id": "c\#($0)", "tags": [1, 2]}"# }
        let input = try cli.file("contacts.jsonl", lines.joined(separator: "\n") + "\n\n")
        let imported = try await cli.run(["import", input, "--batch-size", "2", "--json"] + store(cli) + dataset)
        #expect(imported.status == 0, "\(imported.stderr)")
        let totals = try imported.json
        #expect(totals["records"] as? Int == 5)
        #expect(totals["batches"] as? Int == 3)
        #expect(totals["added"] as? Int == 5)

        let records = try await cli.run(["records"] + store(cli) + dataset)
        #expect(records.status == 0)
        #expect(records.lines.count == 5)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(records.lines[0].utf8)) as? [String: Any])
        #expect(first["id"] as? String == "c1")
        #expect((first["_nango_metadata"] as? [String: Any])?["last_action"] as? String == "ADDED")

        let exported = try await cli.run(["export"] + store(cli) + dataset)
        #expect(exported.status == 0)
        #expect(exported.lines == (1...5).map { #"{"id":"c\#($0)","name":"n\#($0)","tags":[1,2]}"# })

        let again = try await cli.run(["import", try cli.file("export.jsonl", exported.stdout), "--json"] + store(cli) + dataset)
        #expect(try again.json["unchanged"] as? Int == 5)
        let copy = try await cli.run(["import", try cli.file("export2.jsonl", exported.stdout), "--json", "--model", "Copy"]
                                     + store(cli) + ["--integration", "crm", "--connection", "acme"])
        #expect(try copy.json["added"] as? Int == 5)
        let copied = try await cli.run(["export", "--model", "Copy", "--integration", "crm", "--connection", "acme"] + store(cli))
        #expect(copied.stdout == exported.stdout)
    }

    @Test func importTakesAJSONArrayAndACheckpoint() async throws {
        let cli = try CommandRunner()
        let input = try cli.file("contacts.json", #" [ {"id": 1}, {"id": "2", "a": {"b": [1, "]"]}} ] "#)
        let imported = try await cli.run(["import", input, "--sync", "contacts", "--checkpoint", #"{"since":"2024-01-01"}"#] + store(cli) + dataset)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == "imported 2 records into crm/acme/Contact: 2 added, 0 updated, 0 unchanged, 0 duplicates\n")
        #expect(imported.stderr.hasSuffix("2 records (100%)\n"))
        let checkpoint = try await cli.run(["checkpoint", "get", "--sync", "contacts", "--integration", "crm", "--connection", "acme"] + store(cli))
        #expect(checkpoint.stdout == #"{"checkpoint":{"since":"2024-01-01"},"version":1}"# + "\n")
    }

    @Test func aBadRecordStopsTheImportWithOneLine() async throws {
        let cli = try CommandRunner()
        let input = try cli.file("bad.jsonl", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"name\":\"no id\"}\n")
        let result = try await cli.run(["import", input, "--batch-size", "2"] + store(cli) + dataset)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "2 records (53%)")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("tidemark: record 3 of '\(input)' is invalid: ") == true)
        #expect(lines.last?.hasSuffix("the 2 records before its batch were imported") == true)
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingFileIsInvalidInput() async throws {
        let cli = try CommandRunner()
        let result = try await cli.run(["import", cli.directory + "/missing.jsonl"] + store(cli) + dataset)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tidemark: cannot open '"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func recordsPagesWithLimitCursorAndFilter() async throws {
        let cli = try CommandRunner()
        let input = try cli.file("contacts.jsonl", (1...5).map { #"{"id":"c\#($0)"}"# }.joined(separator: "\n"))
        _ = try await cli.run(["import", input] + store(cli) + dataset)
        let firstTwo = try await cli.run(["records", "--limit", "2"] + store(cli) + dataset)
        #expect(firstTwo.lines.count == 2)
        let cursor = try #require(firstTwo.stderr.split(separator: "\n").last.map { String($0.dropFirst("next cursor: ".count)) })
        let rest = try await cli.run(["records", "--cursor", cursor] + store(cli) + dataset)
        #expect(rest.lines.count == 3)
        #expect(rest.stderr.isEmpty)
        #expect(rest.lines[0].hasPrefix(#"{"id":"c3","#))
        let deleted = try await cli.run(["records", "--filter", "deleted"] + store(cli) + dataset)
        #expect(deleted.status == 0)
        #expect(deleted.stdout.isEmpty)
        let badFilter = try await cli.run(["records", "--filter", "gone"] + store(cli) + dataset)
        #expect(badFilter.status == 2)
        #expect(badFilter.stderr == "tidemark: invalid query: filter 'gone' is not one of added, updated, deleted\n")
    }

    @Test func statsListsDatasets() async throws {
        let cli = try CommandRunner()
        _ = try await cli.run(["import", try cli.file("a.jsonl", #"{"id":"a"}"#)] + store(cli) + dataset)
        let json = try await cli.run(["stats", "--json"] + store(cli))
        #expect(json.status == 0)
        let datasets = try #require(try json.json["datasets"] as? [[String: Any]])
        #expect(datasets.count == 1)
        #expect(datasets[0]["model"] as? String == "Contact")
        #expect(datasets[0]["live"] as? Int == 1)
        #expect(datasets[0]["payload_bytes"] as? Int == 10)
        let space = try #require(try json.json["space"] as? [String: Any])
        #expect((space["used_pages"] as? Int ?? 0) > 0)
        #expect(space["page_size"] as? Int == 4096)
        let table = try await cli.run(["stats"] + store(cli))
        #expect(table.lines.count == 3)
        #expect(table.lines[0].hasPrefix("store: "))
        #expect(table.lines[1].hasPrefix("integration  connection  model    live  deleted  bytes  last write"))
        #expect(table.lines[2].hasPrefix("crm          acme        Contact  1     0        10     "))
    }

    @Test func checkpointSetGetClearWithVersions() async throws {
        let cli = try CommandRunner()
        let sync = ["--sync", "contacts", "--integration", "crm", "--connection", "acme"] + store(cli)
        let set = try await cli.run(["checkpoint", "set", "--value", #"{"page":2}"#, "--expected-version", "null"] + sync)
        #expect(set.status == 0)
        #expect(set.stdout == #"{"checkpoint":{"page":2},"version":1}"# + "\n")
        let conflict = try await cli.run(["checkpoint", "set", "--value", #"{"page":3}"#, "--expected-version", "5"] + sync)
        #expect(conflict.status == 3)
        #expect(conflict.stderr.hasPrefix("tidemark: checkpoint conflict: "))
        let invalid = try await cli.run(["checkpoint", "set", "--value", #"{"page":[3]}"#] + sync)
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("'page'"))
        let clear = try await cli.run(["checkpoint", "clear", "--expected-version", "1"] + sync)
        #expect(clear.status == 0)
        let get = try await cli.run(["checkpoint", "get"] + sync)
        #expect(get.stdout == #"{"checkpoint":null,"version":2}"# + "\n")
    }

    @Test func verifyPassesOnAGoodStoreAndFailsOnADamagedView() async throws {
        let cli = try CommandRunner()
        _ = try await cli.run(["import", try cli.file("a.jsonl", "{\"id\":\"a\"}\n{\"id\":\"b\"}")] + store(cli) + dataset)
        let good = try await cli.run(["verify"] + store(cli))
        #expect(good.status == 0)
        #expect(good.stdout == "consistent: 1 datasets, 2 log entries, 2 view entries\n")

        let environment = try Environment(directory: cli.data)
        let view = try environment.openDatabase(named: "view")
        try environment.write { txn in
            try txn.withCursor(on: view) { cursor in
                _ = try cursor.first()
                try cursor.deleteCurrent()
            }
        }
        let damaged = try await cli.run(["verify", "--json"] + store(cli))
        #expect(damaged.status == 1)
        let report = try damaged.json
        #expect(report["consistent"] as? Bool == false)
        #expect((report["problems"] as? [String])?.isEmpty == false)
    }

    @Test func pruneDropsPayloadsUpToACursor() async throws {
        let cli = try CommandRunner()
        _ = try await cli.run(["import", try cli.file("a.jsonl", "{\"id\":\"a\",\"v\":1}\n{\"id\":\"b\",\"v\":2}")] + store(cli) + dataset)
        let first = try await cli.run(["records", "--limit", "1"] + store(cli) + dataset)
        let cursor = String(first.stderr.dropFirst("next cursor: ".count).dropLast())
        let pruned = try await cli.run(["prune", "--until-cursor", cursor, "--json"] + store(cli) + dataset)
        #expect(pruned.status == 0)
        #expect(pruned.stdout == #"{"count":1,"has_more":false}"# + "\n")
        let exported = try await cli.run(["export"] + store(cli) + dataset)
        #expect(exported.lines == [#"{"id":"a"}"#, #"{"id":"b","v":2}"#])
        let bad = try await cli.run(["prune", "--until-cursor", "nope"] + store(cli) + dataset)
        #expect(bad.status == 2)
    }

    @Test func copyCompactsAndCompactRunsRetention() async throws {
        let cli = try CommandRunner()
        let records = (1...300).map { #"{"id":"r\#($0)","text":"\#(String(repeating: "x", count: 200))"}"# }.joined(separator: "\n")
        _ = try await cli.run(["import", try cli.file("a.jsonl", records)] + store(cli) + dataset)
        _ = try await cli.run(["import", try cli.file("b.jsonl", records.replacingOccurrences(of: "xxx", with: "yyy"))] + store(cli) + dataset)
        let compact = try await cli.run(["compact", "--json"] + store(cli))
        #expect(compact.status == 0)
        let report = try compact.json
        #expect(report["expired_datasets"] as? Int == 0)
        #expect(report["pruned_payloads"] as? Int == 0)
        let freePages = try #require(report["free_pages"] as? Int)
        #expect(freePages > 0)

        let plain = try await cli.run(["copy", cli.directory + "/plain"] + store(cli))
        let compacted = try await cli.run(["copy", "--compact", cli.directory + "/compacted"] + store(cli))
        #expect(plain.status == 0 && compacted.status == 0)
        let size = { (name: String) in (try FileManager.default.attributesOfItem(atPath: cli.directory + "/\(name)/data.mdb")[.size] as? Int) ?? 0 }
        #expect(try size("compacted") < size("plain"))
        let verify = try await cli.run(["verify", "--data", cli.directory + "/compacted"])
        #expect(verify.stdout == "consistent: 1 datasets, 300 log entries, 300 view entries\n")
        let again = try await cli.run(["copy", cli.directory + "/compacted"] + store(cli))
        #expect(again.status == 2)
        #expect(again.stderr.contains("already holds a store"))
    }

    @Test func recordsFollowPrintsNewChangesAsTheyCommit() async throws {
        let cli = try CommandRunner()
        _ = try await cli.run(["import", try cli.file("a.jsonl", #"{"id":"a"}"#)] + store(cli) + dataset)
        let follower = try cli.start(["records", "--follow"] + store(cli) + dataset)
        #expect(try await follower.nextLine().hasPrefix(#"{"id":"a","_nango_metadata":"#))
        _ = try await cli.run(["import", try cli.file("b.jsonl", #"{"id":"b"}"#)] + store(cli) + dataset)
        #expect(try await follower.nextLine().hasPrefix(#"{"id":"b","_nango_metadata":"#))
        #expect(try await follower.stop() == 0)
    }

    @Test func triggerResetsAndEmptiesASyncsCache() async throws {
        let cli = try CommandRunner()
        let sync = ["--sync", "contacts", "--integration", "crm", "--connection", "acme"] + store(cli)
        _ = try await cli.run(["import", try cli.file("a.jsonl", #"{"id":"a"}"#), "--sync", "contacts", "--checkpoint", #"{"p":1}"#]
                              + store(cli) + dataset)
        let stats = try await cli.run(["stats", "--json"] + store(cli))
        let syncs = try #require(try stats.json["syncs"] as? [[String: Any]])
        #expect(syncs.map { $0["name"] as? String } == ["contacts"])
        #expect((syncs[0]["checkpoint"] as? [String: Any])?["version"] as? Int == 1)
        #expect(syncs[0]["last_run"] is NSNull)

        let alone = try await cli.run(["trigger", "--empty-cache"] + sync)
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("emptyCache needs reset"))
        let reset = try await cli.run(["trigger", "--reset", "--json"] + sync)
        #expect(reset.status == 0)
        #expect(try reset.json["checkpoint_version"] as? Int == 2)
        let records = try await cli.run(["records"] + store(cli) + dataset)
        #expect(records.lines.count == 1)
        let emptied = try await cli.run(["trigger", "--reset", "--empty-cache"] + sync)
        #expect(emptied.status == 0)
        #expect(emptied.stdout.contains("1 datasets emptied, 1 records deleted"))
        let after = try await cli.run(["records"] + store(cli) + dataset)
        #expect(after.stdout.isEmpty)
    }

    @Test func usageErrorsExit64() async throws {
        let cli = try CommandRunner()
        let result = try await cli.run(["records", "--integration", "crm"] + store(cli))
        #expect(result.status == 64)
        #expect(result.stderr.contains("--connection"))
    }

    @Test func serveListensAndStopsOnSIGTERM() async throws {
        let cli = try CommandRunner()
        let server = try cli.start(["serve", "--port", "0"] + store(cli))
        let line = try await server.nextLine()
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let health = try await LoopbackHTTP.send(port: port, "GET", "/health")
        #expect(health.status == 200)
        #expect(try await server.stop() == 0)
    }
}
