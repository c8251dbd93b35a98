import Foundation
import Testing
@testable import LMDB

/// A fresh directory, removed when released.
final class TemporaryDirectory {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lmdb-test-\(UUID().uuidString)").path
    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

extension Transaction {
    func put(_ value: String, forKey key: String, in database: Database, flags: PutFlags = []) throws {
        try bytes(key).withUnsafeBytes { k in try bytes(value).withUnsafeBytes { try put($0, forKey: k, in: database, flags: flags) } }
    }

    func string(forKey key: String, in database: Database) throws -> String? {
        try bytes(key).withUnsafeBytes { k in try value(in: database, forKey: k).map { String(decoding: $0, as: UTF8.self) } }
    }
}

@Suite("LMDB wrapper")
struct EnvironmentTests {
    @Test func writeCommitsAndReadSeesIt() throws {
        let directory = try TemporaryDirectory()
        let env = try Environment(directory: directory.path)
        let db = try env.openDatabase(named: "things")
        try env.write { txn in try txn.put("one", forKey: "a", in: db) }
        #expect(try env.read { txn in try txn.string(forKey: "a", in: db) } == "one")
        #expect(try env.read { txn in try txn.string(forKey: "missing", in: db) } == nil)
    }

    @Test func aThrowingWriteIsAbortedWhole() throws {
        struct Stop: Error {}
        let directory = try TemporaryDirectory()
        let env = try Environment(directory: directory.path)
        let db = try env.openDatabase(named: "things")
        #expect(throws: Stop.self) {
            try env.write { txn in
                try txn.put("one", forKey: "a", in: db)
                throw Stop()
            }
        }
        #expect(try env.read { txn in try txn.string(forKey: "a", in: db) } == nil)
    }

    @Test func nestedTransactionRollsBackAlone() throws {
        struct Stop: Error {}
        let directory = try TemporaryDirectory()
        let env = try Environment(directory: directory.path)
        let db = try env.openDatabase(named: "things")
        try env.write { txn in
            try txn.put("kept", forKey: "a", in: db)
            _ = try? txn.nested { child in
                try child.put("dropped", forKey: "b", in: db)
                throw Stop()
            }
            try txn.nested { child in try child.put("kept too", forKey: "c", in: db) }
        }
        let values = try env.read { txn in try ["a", "b", "c"].map { try txn.string(forKey: $0, in: db) } }
        #expect(values == ["kept", nil, "kept too"])
    }

    @Test func cursorWalksInKeyOrderAndSeeks() throws {
        let directory = try TemporaryDirectory()
        let env = try Environment(directory: directory.path)
        let db = try env.openDatabase(named: "things")
        try env.write { txn in for key in ["c", "a", "e"] { try txn.put(key.uppercased(), forKey: key, in: db) } }
        let (forward, seeked, last) = try env.read { txn in
            try txn.withCursor(on: db) { cursor in
                var keys: [String] = []
                var entry = try cursor.first()
                while let current = entry {
                    keys.append(String(decoding: current.key, as: UTF8.self))
                    entry = try cursor.next()
                }
                let seeked = try bytes("b").withUnsafeBytes { try cursor.seek(atLeast: $0) }.map { String(decoding: $0.value, as: UTF8.self) }
                let last = try cursor.last().map { String(decoding: $0.key, as: UTF8.self) }
                return (keys, seeked, last)
            }
        }
        #expect(forward == ["a", "c", "e"])
        #expect(seeked == "C")
        #expect(last == "e")
    }

    @Test func appendOutOfOrderIsKeyExists() throws {
        let directory = try TemporaryDirectory()
        let env = try Environment(directory: directory.path)
        let db = try env.openDatabase(named: "log")
        try env.write { txn in
            try txn.put("1", forKey: "k1", in: db, flags: .append)
            try txn.put("2", forKey: "k2", in: db, flags: .append)
            #expect(throws: LMDBError.keyExists) { try txn.put("0", forKey: "k0", in: db, flags: .append) }
        }
    }

    @Test func deleteReportsWhetherTheKeyExisted() throws {
        let directory = try TemporaryDirectory()
        let env = try Environment(directory: directory.path)
        let db = try env.openDatabase(named: "things")
        let results = try env.write { txn in
            try txn.put("x", forKey: "a", in: db)
            return try [bytes("a"), bytes("a")].map { key in try key.withUnsafeBytes { try txn.delete($0, in: db) } }
        }
        #expect(results == [true, false])
    }

    @Test func theMapGrowsByItselfAndTheWriteIsRetriedWhole() throws {
        let directory = try TemporaryDirectory()
        var options = EnvironmentOptions()
        options.initialMapSize = 256 << 10
        let env = try Environment(directory: directory.path, options: options)
        let db = try env.openDatabase(named: "things")
        let value = String(repeating: "v", count: 1000)
        var runs = 0
        try env.write { txn in
            runs += 1
            for n in 0..<2000 { try txn.put(value, forKey: "key-\(n)", in: db) }
        }
        #expect(runs > 1)
        #expect(env.info.mapSize > 256 << 10)
        #expect(try env.read { txn in try txn.statistics(of: db).entries } == 2000)
    }

    @Test func aCappedMapFailsWithMapFullAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        var options = EnvironmentOptions()
        options.initialMapSize = 256 << 10
        options.maximumMapSize = 512 << 10
        let env = try Environment(directory: directory.path, options: options)
        let db = try env.openDatabase(named: "things")
        let value = String(repeating: "v", count: 1000)
        #expect(throws: LMDBError.mapFull) {
            try env.write { txn in for n in 0..<2000 { try txn.put(value, forKey: "key-\(n)", in: db) } }
        }
        #expect(try env.read { txn in try txn.statistics(of: db).entries } == 0)
        try env.write { txn in try txn.put("small", forKey: "k", in: db) }
        #expect(try env.read { txn in try txn.string(forKey: "k", in: db) } == "small")
    }

    @Test func openingAMissingDirectoryIsASystemError() {
        #expect(throws: LMDBError.system(code: ENOENT)) {
            try Environment(directory: "/nonexistent/tidemark/\(UUID().uuidString)")
        }
    }

    @Test func aForeignFileIsRejectedNotCrashedOn() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x42, count: 64 << 10).write(to: URL(fileURLWithPath: directory.path + "/data.mdb"))
        #expect(throws: LMDBError.invalid) { try Environment(directory: directory.path) }
    }

    @Test func readOnlyEnvironmentsRead() throws {
        let directory = try TemporaryDirectory()
        do {
            let env = try Environment(directory: directory.path)
            let db = try env.openDatabase(named: "things")
            try env.write { txn in try txn.put("one", forKey: "a", in: db) }
        }
        var options = EnvironmentOptions()
        options.readOnly = true
        let env = try Environment(directory: directory.path, options: options)
        let db = try env.openDatabase(named: "things")
        #expect(try env.read { txn in try txn.string(forKey: "a", in: db) } == "one")
        #expect(throws: LMDBError.system(code: EACCES)) { try env.write { txn in try txn.put("two", forKey: "b", in: db) } }
    }

    @Test func errorsDescribeThemselves() {
        #expect(LMDBError.mapFull.description.contains("MDB_MAP_FULL"))
        #expect(LMDBError(code: LMDBError.notFound.code) == .notFound)
    }
}
