/// The two record shapes of BENCHMARKS.md.
public enum RecordShape: String, Sendable, CaseIterable, Codable {
    /// About 200 bytes: a chat user (id, name, email, flags, a nested profile, a small array).
    case small
    /// About 1 KiB: a CRM contact (address object, phones array, custom fields, booleans, numbers, nulls).
    case large
}

/// One generated record: its id and its JSON text.
public struct GeneratedRecord: Sendable {
    /// The record's `id` field, as it appears in `json`.
    public let id: String
    /// The record as compact JSON, keys in the order an external API would send them (not sorted).
    public let json: [UInt8]
}

/// Deterministic records: `record(at:revision:)` depends only on the shape, the seed, the index and the
/// revision, so any process can regenerate any record without keeping the dataset in memory.
///
/// Revision 0 is the record as first synced. A higher revision is the same record (same id, same other
/// fields) with exactly one field different, which is what the "changed" share of W2 saves.
public struct RecordGenerator: Sendable {
    /// The shape generated.
    public let shape: RecordShape
    /// The seed every record derives from.
    public let seed: UInt64

    /// A generator of `shape` records from `seed`.
    public init(shape: RecordShape, seed: UInt64 = 0x7D1E_3A4C_0FFE_E123) {
        self.shape = shape
        self.seed = seed
    }

    /// The record number `index` (0-based), at `revision`.
    public func record(at index: Int, revision: Int = 0) -> GeneratedRecord {
        let key = SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(index)))
        var random = SplitMix64(seed: key)
        switch shape {
        case .small: return Self.chatUser(key: key, random: &random, revision: revision)
        case .large: return Self.crmContact(key: key, random: &random, revision: revision)
        }
    }

    /// Records `range`, at revision 0.
    public func records(_ range: Range<Int>) -> [GeneratedRecord] {
        range.map { record(at: $0) }
    }

    /// Whether record `index` is among the changed share of a re-sync (W2): a deterministic `percent`% of
    /// indices, spread over the whole range.
    public func isChanged(_ index: Int, percent: Int = 5) -> Bool {
        SplitMix64.mix(seed &+ 0x5EED &+ UInt64(index)) % 100 < UInt64(percent)
    }

    // MARK: - Shapes

    static func chatUser(key: UInt64, random: inout SplitMix64, revision: Int) -> GeneratedRecord {
        let id = "U" + Words.base32(key, length: 13)
        let person = Words.person(&random)
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("id", id)
        json.field("name", person.fullName)
        json.field("email", person.emailName + "@" + random.pick(Words.domains))
        json.field("is_admin", random.chance(1, in: 10))
        json.field("is_bot", random.chance(1, in: 50))
        json.key("profile")
        json.beginObject()
        json.field("title", random.pick(Words.titles))
        json.key("phone")
        if random.chance(1, in: 3) { json.string(Words.phone(&random)) } else { json.null() }
        json.endObject()
        json.key("channels")
        json.beginArray()
        for _ in 0..<(1 + random.below(2)) { json.string("C" + Words.base32(random.next(), length: 8)) }
        json.endArray()
        // The one field a revision changes.
        json.field("updated", 1_700_000_000 + random.below(20_000_000) + revision * 3_600)
        json.endObject()
        return GeneratedRecord(id: id, json: json.bytes)
    }

    static func crmContact(key: UInt64, random: inout SplitMix64, revision: Int) -> GeneratedRecord {
        let id = "003" + Words.base62(key, length: 11) + Words.base62(SplitMix64.mix(key), length: 4)
        let person = Words.person(&random)
        let company = random.pick(Words.companies)
        var json = JSONWriter(capacity: 1200)
        json.beginObject()
        json.field("id", id)
        json.field("first_name", person.first)
        json.field("last_name", person.last)
        json.field("email", person.emailName + "@" + random.pick(Words.domains))
        json.field("company", company)
        json.field("title", random.pick(Words.titles))
        json.field("status", random.pick(["lead", "prospect", "customer", "churned"]))
        json.field("owner_id", "005" + Words.base62(random.next(), length: 11) + "AAQ")
        json.key("address")
        json.beginObject()
        json.field("street", "\(1 + random.below(9_899)) " + random.pick(Words.streets))
        json.field("city", random.pick(Words.cities))
        json.field("state", random.pick(Words.states))
        json.field("postal_code", String(10_000 + random.below(89_999)))
        json.field("country", "US")
        json.key("unit")
        if random.chance(1, in: 4) { json.string("Suite \(100 + random.below(900))") } else { json.null() }
        json.endObject()
        json.key("phones")
        json.beginArray()
        let phoneKinds = ["work", "mobile", "home", "fax"]
        for index in 0..<(1 + random.below(3)) {
            json.beginObject()
            json.field("type", phoneKinds[index])
            json.field("number", Words.phone(&random))
            json.field("primary", index == 0)
            json.endObject()
        }
        json.endArray()
        json.key("custom_fields")
        json.beginObject()
        json.field("lead_score", random.below(101))
        json.field("source", random.pick(["webinar", "referral", "trade_show", "inbound", "cold_call", "partner"]))
        json.field("vip", random.chance(1, in: 8))
        json.key("region")
        if random.chance(1, in: 2) { json.string(random.pick(["NA-East", "NA-West", "EMEA", "APAC"])) } else { json.null() }
        json.key("annual_revenue")
        json.cents(random.below(500_000_000) * 100 + random.below(100))
        json.field("employees", 5 + random.below(20_000))
        json.field("industry", random.pick(Words.industries))
        json.key("renewal_date")
        if random.chance(2, in: 3) { json.string(Words.date(&random)) } else { json.null() }
        json.field("notes", Words.sentence(&random, words: 14 + random.below(10)))
        json.endObject()
        json.key("tags")
        json.beginArray()
        for _ in 0..<(1 + random.below(4)) { json.string(random.pick(Words.tags)) }
        json.endArray()
        json.field("email_opt_out", random.chance(1, in: 6))
        json.field("do_not_call", random.chance(1, in: 9))
        json.key("lifetime_value")
        json.cents(random.below(10_000_000))
        json.key("linkedin_url")
        if random.chance(1, in: 2) {
            json.string("https://www.linkedin.com/in/" + person.slug + "-" + Words.base32(random.next(), length: 6).lowercased())
        } else {
            json.null()
        }
        json.field("created_at", Words.timestamp(&random, offset: 0))
        // The one field a revision changes.
        json.field("updated_at", Words.timestamp(&random, offset: revision * 3_600))
        json.endObject()
        return GeneratedRecord(id: id, json: json.bytes)
    }
}

/// Word lists and small formatters for realistic text.
enum Words {
    static let firstNames = [
        "Mara", "Jonas", "Aiko", "Liam", "Sofia", "Mateo", "Chloe", "Ravi", "Ingrid", "Tomás", "Amara", "Noah",
        "Yuki", "Elena", "Kwame", "Priya", "Lucas", "Freya", "Omar", "Hana", "Diego", "Zoe", "Arjun", "Nadia",
        "Felix", "Leila", "Oscar", "Mei", "Samuel", "Greta", "Tariq", "Ines",
    ]
    static let lastNames = [
        "Okafor", "Lindqvist", "Tanaka", "Murphy", "Rossi", "Fernández", "Dubois", "Sharma", "Berg", "Silva",
        "Mensah", "Kowalski", "Nakamura", "Popescu", "Haddad", "Nguyen", "Müller", "Johansson", "Costa", "Park",
        "Ibrahim", "Novak", "O'Brien", "Schmidt", "Ali", "Andersen", "Moreau", "Chen", "Santos", "Weber",
    ]
    static let domains = [
        "northwind.io", "contoso.com", "acme.co", "globex.net", "initech.dev", "umbrella.org", "hooli.xyz",
        "example.com", "piedpiper.com", "stark.industries",
    ]
    static let titles = [
        "Account Manager", "Software Engineer", "VP of Sales", "Product Designer", "Head of Growth",
        "Support Lead", "Data Analyst", "CFO", "Solutions Architect", "Office Manager", "Recruiter",
    ]
    static let companies = [
        "Northwind Traders", "Contoso Ltd", "Acme Corporation", "Globex", "Initech", "Umbrella Group",
        "Hooli", "Soylent Foods", "Wayne Enterprises", "Tyrell Systems", "Cyberdyne Robotics", "Vandelay Imports",
    ]
    static let streets = [
        "Elm Street", "Market Street", "Oak Avenue", "Sunset Boulevard", "Mission Road", "Lakeview Drive",
        "Harbor Way", "Maple Lane", "Broadway", "Pine Court",
    ]
    static let cities = [
        "Springfield", "Portland", "Austin", "Denver", "Madison", "Savannah", "Boise", "Raleigh", "Tucson",
        "Ann Arbor", "Burlington",
    ]
    static let states = ["IL", "OR", "TX", "CO", "WI", "GA", "ID", "NC", "AZ", "MI", "VT", "CA", "NY"]
    static let industries = [
        "Manufacturing", "Healthcare", "Retail", "Financial Services", "Education", "Logistics", "Software",
        "Hospitality", "Energy",
    ]
    static let tags = [
        "enterprise", "smb", "q3-target", "renewal", "upsell", "at-risk", "champion", "beta", "partner",
        "newsletter",
    ]
    static let words = [
        "met", "at", "the", "conference", "wants", "pricing", "for", "team", "plan", "follow", "up", "after",
        "quarter", "budget", "approved", "needs", "integration", "with", "their", "warehouse", "system", "call",
        "next", "week", "about", "renewal", "and", "onboarding", "asked", "demo", "security", "review",
    ]

    static let base32Alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let base62Alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `length` base-32 digits of `value`, least significant first; 13 digits hold all 64 bits, so distinct
    /// values give distinct strings.
    static func base32(_ value: UInt64, length: Int) -> String {
        var v = value
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for _ in 0..<length {
            bytes.append(base32Alphabet[Int(v & 31)])
            v >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `length` base-62 digits of `value`; 11 digits already hold all 64 bits, so ids never collide.
    static func base62(_ value: UInt64, length: Int) -> String {
        var v = value
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for _ in 0..<length {
            bytes.append(base62Alphabet[Int(v % 62)])
            v /= 62
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A person's name and the strings derived from it, computed once per (first, last) pair.
    struct Person: Sendable {
        let first: String
        let last: String
        let fullName: String
        /// `first.last`, lowercased and folded to ASCII, as mail addresses are.
        let emailName: String
        /// `first-last`, for profile URLs.
        let slug: String
    }

    static let people: [Person] = {
        let folded: [Character: String] = ["á": "a", "é": "e", "ü": "u", "'": ""]
        return firstNames.flatMap { first in
            lastNames.map { last in
                let email = (first + "." + last).lowercased().map { folded[$0] ?? String($0) }.joined()
                return Person(first: first, last: last, fullName: first + " " + last, emailName: email,
                              slug: String(email.map { $0 == "." ? "-" : $0 }))
            }
        }
    }()

    /// A random person (first and last name drawn independently).
    static func person(_ random: inout SplitMix64) -> Person {
        let first = random.below(firstNames.count)
        let last = random.below(lastNames.count)
        return people[first * lastNames.count + last]
    }

    static func phone(_ random: inout SplitMix64) -> String {
        "+1-\(200 + random.below(800))-555-\(1000 + random.below(9000))"
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func date(_ random: inout SplitMix64) -> String {
        "\(2024 + random.below(3))-\(twoDigits(1 + random.below(12)))-\(twoDigits(1 + random.below(28)))"
    }

    /// An ISO-8601 UTC timestamp; `offset` seconds are added to a random base (hour-resolution changes).
    static func timestamp(_ random: inout SplitMix64, offset: Int) -> String {
        let base = random.below(3 * 365 * 86_400) + offset
        let day = base / 86_400
        let second = base % 86_400
        let year = 2022 + day / 365
        let dayOfYear = day % 365
        let month = 1 + dayOfYear / 31 % 12
        let dayOfMonth = 1 + dayOfYear % 28
        return "\(year)-\(twoDigits(month))-\(twoDigits(dayOfMonth))T\(twoDigits(second / 3600)):"
            + "\(twoDigits(second / 60 % 60)):\(twoDigits(second % 60))Z"
    }

    static func sentence(_ random: inout SplitMix64, words count: Int) -> String {
        var text = ""
        for index in 0..<count {
            if index > 0 { text += " " }
            text += random.pick(words)
        }
        return text + "."
    }
}
