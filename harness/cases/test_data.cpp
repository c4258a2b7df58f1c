// Generators for the 12.*/13.* test data (test_data.h). Every set is built from one
// splitmix64 stream with a fixed seed and integer arithmetic only (no floating point, no
// std:: distributions, whose output differs between standard libraries), so the bytes are
// the same on every platform; tests/unit/test_data_test.cpp pins their SHA-1s.
#include "harness/cases/test_data.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wsspec::cases {

namespace {

// The sizes of Autobahn's files (test_data.h lists where they come from).
constexpr std::size_t kJsonSize = 194'056;
constexpr std::size_t kBmpSize = 263'222;
constexpr std::size_t kTextSize = 222'218;
constexpr std::size_t kHtmlSize = 263'647;
constexpr std::size_t kPdfSize = 1'042'328;

// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
// 2014): tiny, fully specified, and good enough for test data.
class Prng {
  public:
    explicit Prng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // In [0, n); the modulo bias does not matter for test data.
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
    // In [lo, hi].
    std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }
    bool percent(std::uint32_t p) { return below(100) < p; }
    template <typename T, std::size_t N>
    const T& pick(const T (&items)[N]) {
        return items[below(static_cast<std::uint32_t>(N))];
    }

  private:
    std::uint64_t state_;
};

// Picks index i of a list with weight proportional to 1 / (i + 2): a few words dominate, as
// in natural language (Zipf's law), so the common words come first in the lists below.
class ZipfPicker {
  public:
    explicit ZipfPicker(std::size_t count) {
        constexpr std::uint32_t kScale = 1'000'000;
        std::uint32_t total = 0;
        for (std::size_t i = 0; i < count; ++i) {
            total += kScale / static_cast<std::uint32_t>(i + 2);
            cumulative_.push_back(total);
        }
    }
    std::size_t pick(Prng& prng) const {
        std::uint32_t r = prng.below(cumulative_.back());
        return static_cast<std::size_t>(
            std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
    }

  private:
    std::vector<std::uint32_t> cumulative_;
};

void append_number(std::string& out, std::uint64_t value, int width = 0) {
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
    out += digits;
}

void append_hex(std::string& out, Prng& prng, int digits) {
    constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < digits; ++i)
        out.push_back(kHex[prng.below(16)]);
}

// "2014-03-21T08:15:42Z" (RFC 3339); days up to 28 keep every date valid.
void append_timestamp(std::string& out, Prng& prng) {
    append_number(out, prng.between(2009, 2024));
    out.push_back('-');
    append_number(out, prng.between(1, 12), 2);
    out.push_back('-');
    append_number(out, prng.between(1, 28), 2);
    out.push_back('T');
    append_number(out, prng.below(24), 2);
    out.push_back(':');
    append_number(out, prng.below(60), 2);
    out.push_back(':');
    append_number(out, prng.below(60), 2);
    out.push_back('Z');
}

// A decimal with `decimals` digits after the point, from an integer (no floating point).
void append_fixed(std::string& out, std::int64_t value, int decimals) {
    if (value < 0) {
        out.push_back('-');
        value = -value;
    }
    std::uint64_t scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    append_number(out, static_cast<std::uint64_t>(value) / scale);
    out.push_back('.');
    append_number(out, static_cast<std::uint64_t>(value) % scale, decimals);
}

// ---------------------------------------------------------------------------------------
// Word lists: English words and ASCII-spelt names for the ASCII sets, German (with umlauts,
// UTF-8) for the prose. Common words first (ZipfPicker).

constexpr std::string_view kEnglishWords[] = {
    "the",      "of",         "and",        "to",          "in",        "a",           "is",
    "that",     "for",        "it",         "as",          "with",      "be",          "on",
    "not",      "this",       "by",         "are",         "from",      "or",          "at",
    "which",    "an",         "can",        "data",        "message",   "frame",       "server",
    "client",   "will",       "each",       "when",        "all",       "has",         "more",
    "other",    "connection", "protocol",   "value",       "time",      "new",         "test",
    "case",     "result",     "first",      "may",         "into",      "between",     "network",
    "payload",  "size",       "report",     "should",      "must",      "only",        "used",
    "over",     "after",      "before",     "response",    "request",   "header",      "length",
    "field",    "close",      "open",       "handshake",   "extension", "compression", "window",
    "buffer",   "stream",     "text",       "binary",      "fragment",  "control",     "status",
    "code",     "reason",     "endpoint",   "browser",     "library",   "version",     "option",
    "default",  "parameter",  "negotiated", "context",     "takeover",  "latency",     "throughput",
    "measured", "behaviour",  "expected",   "observed",    "received",  "sent",        "echo",
    "timeout",  "latest",     "release",    "support",     "draft",     "standard",    "section",
    "summary",  "details",    "overview",   "performance", "memory",    "thread",      "socket",
    "queue",    "event",      "handler",    "callback",    "listener",  "service",     "cluster",
    "node",     "instance",   "region",     "account",     "customer",  "order",       "invoice",
    "product",  "catalog",    "price",      "shipping",    "warehouse", "inventory"};

constexpr std::string_view kFirstNames[] = {
    "Anna",  "Lukas",  "Marie",   "Jonas", "Sophie", "Felix",  "Emma",  "Paul",
    "Laura", "Leon",   "Hannah",  "Elias", "Clara",  "Noah",   "Lena",  "Jakob",
    "Mia",   "Theo",   "Johanna", "Oskar", "Ida",    "Henry",  "Greta", "Moritz",
    "Alice", "Robert", "Olivia",  "James", "Grace",  "Daniel", "Ruth",  "Samuel"};

constexpr std::string_view kLastNames[] = {
    "Mueller", "Schmidt", "Schneider", "Fischer", "Weber",  "Meyer",    "Wagner",
    "Becker",  "Schulz",  "Hoffmann",  "Koch",    "Bauer",  "Richter",  "Klein",
    "Wolf",    "Neumann", "Schwarz",   "Krueger", "Braun",  "Hartmann", "Lange",
    "Werner",  "Krause",  "Lehmann",   "Walker",  "Turner", "Parker",   "Collins"};

constexpr std::string_view kCities[] = {"Berlin",    "Hamburg", "Munich",    "Cologne", "Frankfurt",
                                        "Stuttgart", "Leipzig", "Dresden",   "Bremen",  "Hanover",
                                        "Vienna",    "Zurich",  "Amsterdam", "London",  "Boston",
                                        "Seattle",   "Toronto", "Lyon",      "Prague",  "Krakow"};

constexpr std::string_view kStreets[] = {
    "Hauptstrasse",  "Bahnhofstrasse", "Gartenweg",  "Lindenallee", "Schillerstrasse",
    "Goethestrasse", "Kirchplatz",     "Marktgasse", "Bergstrasse", "Mill Road",
    "High Street",   "Station Avenue", "Oak Lane",   "Harbour Way"};

constexpr std::string_view kCompanies[] = {"Acme",     "Globex", "Initech",   "Umbrella", "Stark",
                                           "Wayne",    "Tyrell", "Cyberdyne", "Soylent",  "Hooli",
                                           "Vandelay", "Wonka",  "Gringotts", "Oscorp"};

constexpr std::string_view kColours[] = {"blue", "brown", "green", "grey", "amber", "hazel"};

constexpr std::string_view kStates[] = {"active", "pending", "suspended", "closed", "trial"};

// Common German words, most frequent first, spelt as in running text (nouns capitalized).
constexpr std::string_view kGermanWords[] = {
    "und",     "die",     "der",     "ich",       "nicht",   "das",      "zu",       "ist",
    "in",      "sich",    "mit",     "es",        "mir",     "den",      "ein",      "du",
    "so",      "auf",     "mich",    "wie",       "sie",     "was",      "dich",     "er",
    "nur",     "von",     "dem",     "auch",      "an",      "ihr",      "wir",      "doch",
    "mein",    "noch",    "kann",    "wohl",      "eine",    "will",     "im",       "wenn",
    "aus",     "für",     "nun",     "bin",       "hat",     "sind",     "da",       "ja",
    "man",     "mag",     "dir",     "soll",      "gar",     "schon",    "als",      "hier",
    "wird",    "sein",    "zum",     "dann",      "uns",     "ganz",     "durch",    "alle",
    "nach",    "wo",      "bei",     "euch",      "vom",     "einen",    "gut",      "immer",
    "kein",    "muß",     "des",     "einem",     "hab",     "recht",    "über",     "oder",
    "nichts",  "Herr",    "vor",     "lang",      "viel",    "fort",     "weiß",     "mehr",
    "Geist",   "Welt",    "Herz",    "Leben",     "Nacht",   "Himmel",   "Erde",     "Licht",
    "Gott",    "Teufel",  "Liebe",   "Seele",     "Blut",    "Hand",     "Tag",      "Zeit",
    "Brust",   "Haus",    "Feuer",   "Wasser",    "Wort",    "Freund",   "Kind",     "Mutter",
    "schön",   "süß",     "tief",    "hoch",      "alt",     "jung",     "still",    "wild",
    "sehen",   "gehen",   "kommen",  "sagen",     "geben",   "nehmen",   "lassen",   "halten",
    "fühlen",  "wissen",  "glauben", "hören",     "können",  "müssen",   "suchen",   "finden",
    "bleiben", "stehen",  "fliegen", "singen",    "tanzen",  "trinken",  "träumen",  "schweben",
    "Mädchen", "Knabe",   "Bruder",  "Schwester", "Doktor",  "Schüler",  "Bürger",   "Bauer",
    "Glück",   "Schmerz", "Freude",  "Tränen",    "Lust",    "Qual",     "Wonne",    "Sehnsucht",
    "Wald",    "Feld",    "Garten",  "Straße",    "Kammer",  "Kerker",   "Brunnen",  "Kirche",
    "Sterne",  "Sonne",   "Mond",    "Wolken",    "Winde",   "Flammen",  "Bäume",    "Blumen",
    "ewig",    "heilig",  "dunkel",  "golden",    "traurig", "fröhlich", "göttlich", "irdisch"};

// Syllables for rarer, made-up German-looking words (compounds are what makes real German
// prose hard to compress: Felsenwänden, Bretterhaus, Himmelslicht).
constexpr std::string_view kGermanSyllables[] = {
    "ber",   "ge",   "stein", "wal", "schaf", "lich",  "keit", "heit", "tum",   "ver",
    "un",    "zau",  "nacht", "feu", "wan",   "del",   "hö",   "gen",  "ster",  "bret",
    "ter",   "haus", "fel",   "sen", "wän",   "den",   "him",  "mels", "schöp", "fung",
    "kreis", "spru", "quel",  "mü",  "rau",   "schen", "lie",  "bes",  "grü",   "ßen",
    "trau",  "ben",  "ernst", "wär", "men",   "zwei",  "fel",  "näch", "te",    "schmer"};

constexpr std::string_view kGermanEndings[] = {"", "", "", "e", "en", "er", "es", "n", "st", "t"};

constexpr std::string_view kSpeakers[] = {
    "DER ALTE",   "DER JÜNGLING", "DIE FRAU",   "DER WÄCHTER",  "DER SCHÜLER",
    "DER DOKTOR", "DAS MÄDCHEN",  "CHOR",       "DER GEIST",    "DER BÜRGER",
    "DIE STIMME", "DER BAUER",    "DER FREMDE", "DIE NACHBARIN"};

constexpr std::string_view kSceneTitles[] = {"Vor dem Tore.",
                                             "Studierzimmer.",
                                             "Straße.",
                                             "Garten.",
                                             "Am Brunnen.",
                                             "Kerker.",
                                             "Wald und Höhle.",
                                             "Abend.",
                                             "Dom.",
                                             "Nacht. Offen Feld.",
                                             "Trüber Tag. Feld.",
                                             "Zwinger.",
                                             "Ein Gartenhäuschen.",
                                             "Hexenküche."};

constexpr std::string_view kStageDirections[] = {"(Er schlägt das Buch auf.)",
                                                 "(Sie geht ab.)",
                                                 "(Er tritt ans Fenster.)",
                                                 "(Es donnert.)",
                                                 "(Beide ab.)",
                                                 "(Sie singt.)",
                                                 "(Er setzt sich nieder.)",
                                                 "(Es schlägt zwölf.)"};

// ASCII letters only; a word starting with an umlaut keeps it (still German-like).
std::string capitalized(std::string_view word) {
    std::string out(word);
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
    return out;
}

std::string lower_case(std::string_view word) {
    std::string out(word);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
}

// ASCII words until `length` is reached exactly; for the padding that makes a set's size
// exact. Never ends in a space.
std::string ascii_filler(Prng& prng, std::size_t length) {
    ZipfPicker zipf(std::size(kEnglishWords));
    std::string out;
    while (out.size() < length) {
        if (!out.empty()) out.push_back(' ');
        out += kEnglishWords[zipf.pick(prng)];
    }
    out.resize(length);
    if (!out.empty() && out.back() == ' ') out.back() = '.';
    return out;
}

// ---------------------------------------------------------------------------------------
// json: a pretty-printed array of customer-like records.

std::string json_string(std::string_view s) {
    std::string out = "\"";
    out += s;  // every word list is plain ASCII without quotes or backslashes
    out += '"';
    return out;
}

// Tags come from the nouns of kEnglishWords, after the function words.
constexpr std::size_t kFirstTagWord = 24;

// `tags` picks from kEnglishWords[kFirstTagWord...].
std::string json_record(Prng& prng, std::uint32_t id, const ZipfPicker& tags) {
    std::string_view first = prng.pick(kFirstNames);
    std::string_view last = prng.pick(kLastNames);
    std::string r = "  {\n    \"id\": ";
    append_number(r, id);
    r += ",\n    \"guid\": \"";
    append_hex(r, prng, 8);
    r += '-';
    append_hex(r, prng, 4);
    r += "-4";  // RFC 4122 version 4 (random), variant 10xx
    append_hex(r, prng, 3);
    r += '-';
    r += "89ab"[prng.below(4)];
    append_hex(r, prng, 3);
    r += '-';
    append_hex(r, prng, 12);
    r += "\",\n    \"active\": ";
    r += prng.percent(70) ? "true" : "false";
    r += ",\n    \"status\": " + json_string(prng.pick(kStates));
    r += ",\n    \"balance\": ";
    append_fixed(r, prng.below(1'000'000), 2);
    r += ",\n    \"age\": ";
    append_number(r, prng.between(18, 90));
    r += ",\n    \"eyeColor\": " + json_string(prng.pick(kColours));
    r += ",\n    \"name\": {\n      \"first\": " + json_string(first);
    r += ",\n      \"last\": " + json_string(last);
    r += "\n    },\n    \"company\": " + json_string(prng.pick(kCompanies));
    r += ",\n    \"email\": \"";
    r += lower_case(first);
    r += '.';
    r += lower_case(last);
    r += "@example.";
    r += prng.percent(50) ? "com" : "org";
    r += "\",\n    \"phone\": \"+49 (";
    append_number(r, prng.between(30, 899));
    r += ") ";
    append_number(r, prng.below(10'000'000), 7);
    r += "\",\n    \"address\": {\n      \"street\": " + json_string(prng.pick(kStreets));
    r += ",\n      \"number\": ";
    append_number(r, prng.between(1, 240));
    r += ",\n      \"city\": " + json_string(prng.pick(kCities));
    r += ",\n      \"zip\": \"";
    append_number(r, prng.between(1000, 99999), 5);
    r += "\",\n      \"geo\": {\n        \"latitude\": ";
    append_fixed(r, static_cast<std::int64_t>(prng.below(180'000'000)) - 90'000'000, 6);
    r += ",\n        \"longitude\": ";
    append_fixed(r, static_cast<std::int64_t>(prng.below(360'000'000)) - 180'000'000, 6);
    r += "\n      }\n    },\n    \"registered\": \"";
    append_timestamp(r, prng);
    r += "\",\n    \"lastLogin\": ";
    if (prng.percent(20)) {
        r += "null";
    } else {
        r += '"';
        append_timestamp(r, prng);
        r += '"';
    }
    r += ",\n    \"tags\": [";
    std::uint32_t tag_count = prng.between(1, 5);
    for (std::uint32_t t = 0; t < tag_count; ++t) {
        if (t) r += ", ";
        r += json_string(kEnglishWords[kFirstTagWord + tags.pick(prng)]);
    }
    r += "],\n    \"scores\": [";
    std::uint32_t scores = prng.between(2, 6);
    for (std::uint32_t s = 0; s < scores; ++s) {
        if (s) r += ", ";
        append_number(r, prng.below(1000));
    }
    r += "],\n    \"friends\": [";
    std::uint32_t friends = prng.below(4);
    for (std::uint32_t f = 0; f < friends; ++f) {
        r += f ? ",\n      {" : "\n      {";
        r += "\"id\": ";
        append_number(r, prng.below(id + 1));
        r += ", \"name\": \"";
        r += prng.pick(kFirstNames);
        r += ' ';
        r += prng.pick(kLastNames);
        r += "\"}";
    }
    r += friends ? "\n    ],\n" : "],\n";
    r += "    \"greeting\": \"Hello, ";
    r += first;
    r += "! You have ";
    append_number(r, prng.below(20));
    r += " unread messages.\"\n  }";
    return r;
}

std::string generate_json() {
    Prng prng(0x6A736F6E'31323131ULL);  // "json1211"
    ZipfPicker tags(std::size(kEnglishWords) - kFirstTagWord);
    constexpr std::string_view kClose = "\n]\n";
    // The last record carries a "note" sized to make the total exact; keep room for it.
    constexpr std::size_t kReserve = 600;
    std::string out = "[\n";
    out.reserve(kJsonSize);
    std::uint32_t id = 100'000;
    for (;;) {
        std::string record = json_record(prng, id, tags);
        if (out.size() + record.size() + 2 + kReserve > kJsonSize) break;
        out += record;
        out += ",\n";
        ++id;
    }
    std::string last = "  {\n    \"id\": ";
    append_number(last, id);
    last += ",\n    \"status\": \"closed\",\n    \"registered\": \"";
    append_timestamp(last, prng);
    last += "\",\n    \"note\": \"";
    constexpr std::string_view kLastEnd = "\"\n  }";
    std::size_t fill = kJsonSize - out.size() - last.size() - kLastEnd.size() - kClose.size();
    last += ascii_filler(prng, fill);
    last += kLastEnd;
    out += last;
    out += kClose;
    return out;
}

// ---------------------------------------------------------------------------------------
// bmp: a 512x512 8-bit greyscale Windows bitmap like lena512.bmp, with a synthetic
// photo-like picture (smooth shading, shapes with soft edges, sensor noise).

constexpr int kBmpSide = 512;
constexpr std::size_t kBmpFileHeader = 14;    // "BM", file size, reserved, pixel offset
constexpr std::size_t kBmpInfoHeader = 40;    // BITMAPINFOHEADER
constexpr std::size_t kBmpPalette = 256 * 4;  // B, G, R, 0 per grey level
constexpr std::size_t kBmpPixelOffset = kBmpFileHeader + kBmpInfoHeader + kBmpPalette;
static_assert(kBmpPixelOffset + std::size_t{kBmpSide} * kBmpSide == kBmpSize);

void append_le(std::string& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Value noise: a lattice of random levels every `cell` pixels, interpolated with a
// smoothstep in 16.16 fixed point.
class ValueNoise {
  public:
    ValueNoise(Prng& prng, int cell) : cell_(cell), side_(kBmpSide / cell + 2) {
        for (int i = 0; i < side_ * side_; ++i)
            lattice_.push_back(static_cast<int>(prng.below(256)));
    }
    // 0..255
    int at(int x, int y) const {
        int cx = x / cell_;
        int cy = y / cell_;
        int fx = smooth((x % cell_) * 65536 / cell_);
        int fy = smooth((y % cell_) * 65536 / cell_);
        auto lerp = [](std::int64_t a, std::int64_t b, std::int64_t f) {
            return a + (((b - a) * f) >> 16);
        };
        std::int64_t top = lerp(node(cx, cy), node(cx + 1, cy), fx);
        std::int64_t bottom = lerp(node(cx, cy + 1), node(cx + 1, cy + 1), fx);
        return static_cast<int>(lerp(top, bottom, fy));
    }

  private:
    // 3t^2 - 2t^3 with t in 16.16.
    static int smooth(std::int64_t t) {
        return static_cast<int>((t * t * (3 * 65536 - 2 * t)) >> 32);
    }
    int node(int x, int y) const { return lattice_[static_cast<std::size_t>(y * side_ + x)]; }

    int cell_;
    int side_;
    std::vector<int> lattice_;
};

std::string generate_bmp() {
    Prng prng(0x626D7031'32313232ULL);  // "bmp12122"
    std::string out;
    out.reserve(kBmpSize);
    // BITMAPFILEHEADER
    out += "BM";
    append_le(out, static_cast<std::uint32_t>(kBmpSize), 4);
    append_le(out, 0, 4);  // reserved
    append_le(out, static_cast<std::uint32_t>(kBmpPixelOffset), 4);
    // BITMAPINFOHEADER: bottom-up rows, 8 bits per pixel, uncompressed (BI_RGB).
    append_le(out, static_cast<std::uint32_t>(kBmpInfoHeader), 4);
    append_le(out, kBmpSide, 4);
    append_le(out, kBmpSide, 4);
    append_le(out, 1, 2);  // planes
    append_le(out, 8, 2);  // bits per pixel
    append_le(out, 0, 4);  // BI_RGB
    append_le(out, static_cast<std::uint32_t>(kBmpSide * kBmpSide), 4);
    append_le(out, 2835, 4);  // 72 dpi in pixels per metre
    append_le(out, 2835, 4);
    append_le(out, 256, 4);  // palette entries
    append_le(out, 0, 4);    // all of them important
    for (std::uint32_t level = 0; level < 256; ++level)
        append_le(out, level | level << 8 | level << 16, 4);

    ValueNoise coarse(prng, 128);
    ValueNoise medium(prng, 32);
    ValueNoise fine(prng, 8);
    struct Disc {
        int x, y, r, level;
    };
    std::vector<Disc> discs;
    for (int i = 0; i < 24; ++i) {
        discs.push_back(
            {static_cast<int>(prng.below(kBmpSide)), static_cast<int>(prng.below(kBmpSide)),
             static_cast<int>(prng.between(12, 90)), static_cast<int>(prng.below(256))});
    }
    for (int y = 0; y < kBmpSide; ++y) {
        for (int x = 0; x < kBmpSide; ++x) {
            // Shading: a diagonal gradient plus noise at three scales.
            int v = (x + y) / 16 + coarse.at(x, y) / 2 + medium.at(x, y) / 4 + fine.at(x, y) / 8;
            // Discs blend in over a soft 8-pixel edge.
            for (const Disc& d : discs) {
                int dx = x - d.x;
                int dy = y - d.y;
                int inside = d.r * d.r - (dx * dx + dy * dy);
                if (inside <= 0) continue;
                int weight = std::min(inside, 16 * d.r) * 256 / (16 * d.r);
                v = (v * (256 - weight) + (d.level + (dx - dy) / 4) * weight) / 256;
            }
            // Sensor noise, +-6 levels.
            v += static_cast<int>(prng.below(13)) - 6;
            out.push_back(static_cast<char>(std::clamp(v, 0, 255)));
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// text: German verse drama in UTF-8, laid out like Project Gutenberg's Faust (two-space
// indent, speakers in capitals, stanzas, scene titles), LF line ends.

class GermanWords {
  public:
    GermanWords() : common_(std::size(kGermanWords)) {}
    std::string next(Prng& prng) const {
        // Seven words in ten are common ones; the rest are made up of syllables, half of
        // them compound nouns.
        if (prng.percent(70)) return std::string(kGermanWords[common_.pick(prng)]);
        std::string word;
        std::uint32_t syllables = prng.between(2, 4);
        for (std::uint32_t s = 0; s < syllables; ++s)
            word += prng.pick(kGermanSyllables);
        word += prng.pick(kGermanEndings);
        return prng.percent(50) ? capitalized(word) : word;
    }

  private:
    ZipfPicker common_;
};

std::string verse_line(Prng& prng, const GermanWords& words) {
    std::string line = "  ";
    std::uint32_t count = prng.between(4, 8);
    for (std::uint32_t w = 0; w < count; ++w) {
        std::string word = words.next(prng);
        if (w == 0) word = capitalized(word);  // verse lines start with a capital
        if (w) line += (prng.percent(8) ? ", " : " ");
        line += word;
    }
    constexpr std::string_view kEnds[] = {",", ",", ",", ";", ".", ".", "!", "?", ":", ""};
    line += prng.pick(kEnds);
    line += '\n';
    return line;
}

std::string generate_text() {
    Prng prng(0x74657874'31323133ULL);  // "text1213"
    GermanWords words;
    std::string out;
    out.reserve(kTextSize + 1024);
    out += "Ein dramatisches Gedicht in deutscher Sprache.\n\n\n";
    // Scenes of speeches; a speech is one to four stanzas.
    constexpr std::size_t kTail = 256;
    while (out.size() + kTail < kTextSize) {
        out += "\n\n\n  ";
        out += prng.pick(kSceneTitles);
        out += "\n\n";
        std::uint32_t speeches = prng.between(4, 12);
        for (std::uint32_t s = 0; s < speeches && out.size() + kTail < kTextSize; ++s) {
            out += "  ";
            out += prng.pick(kSpeakers);
            out += ":\n";
            std::uint32_t stanzas = prng.between(1, 4);
            for (std::uint32_t st = 0; st < stanzas; ++st) {
                std::uint32_t lines = prng.between(2, 10);
                for (std::uint32_t l = 0; l < lines; ++l)
                    out += verse_line(prng, words);
                if (prng.percent(10)) {
                    out += "  ";
                    out += prng.pick(kStageDirections);
                    out += '\n';
                }
                out += '\n';
            }
        }
    }
    // End on a whole character: cut back to an ASCII byte, then pad with ASCII words.
    out.resize(std::min(out.size(), kTextSize - 1));
    while (!out.empty() && static_cast<unsigned char>(out.back()) >= 0x80)
        out.pop_back();
    if (out.size() < kTextSize - 1) out += ascii_filler(prng, kTextSize - 1 - out.size());
    out += '\n';
    return out;
}

// ---------------------------------------------------------------------------------------
// html: a product/report-like page: a style sheet, navigation, nested divs, tables, links,
// paragraphs. ASCII only.

std::string sentence(Prng& prng, const ZipfPicker& words) {
    std::string s;
    std::uint32_t count = prng.between(6, 18);
    for (std::uint32_t w = 0; w < count; ++w) {
        std::string word(kEnglishWords[words.pick(prng)]);
        if (w == 0) word = capitalized(word);
        if (w) s += ' ';
        s += word;
    }
    s += prng.percent(85) ? ". " : "? ";
    return s;
}

std::string html_paragraph(Prng& prng, const ZipfPicker& words, std::string_view indent) {
    std::string p(indent);
    p += "<p>";
    std::uint32_t sentences = prng.between(2, 6);
    for (std::uint32_t s = 0; s < sentences; ++s) {
        p += sentence(prng, words);
        if (prng.percent(30)) {
            std::string_view target = kEnglishWords[words.pick(prng)];
            p += "See <a href=\"/docs/";
            p += target;
            p += ".html#";
            append_hex(p, prng, 6);
            p += "\">";
            p += target;
            p += "</a> for <em>";
            p += kEnglishWords[words.pick(prng)];
            p += "</em>. ";
        }
    }
    p.pop_back();
    p += "</p>\n";
    return p;
}

std::string html_table(Prng& prng, std::uint32_t section) {
    std::string t =
        "        <table class=\"data\">\n"
        "          <thead>\n"
        "            <tr><th>Id</th><th>Name</th><th>City</th><th>Status</th>"
        "<th>Amount</th><th>Updated</th></tr>\n"
        "          </thead>\n"
        "          <tbody>\n";
    std::uint32_t rows = prng.between(5, 25);
    for (std::uint32_t r = 0; r < rows; ++r) {
        std::string_view status = prng.pick(kStates);
        t += "            <tr class=\"";
        t += (r % 2) ? "odd" : "even";
        t += "\"><td><a href=\"/items/";
        append_number(t, section * 1000 + r);
        t += "\">";
        append_number(t, section * 1000 + r);
        t += "</a></td><td>";
        t += prng.pick(kFirstNames);
        t += ' ';
        t += prng.pick(kLastNames);
        t += "</td><td>";
        t += prng.pick(kCities);
        t += "</td><td class=\"status-";
        t += status;
        t += "\">";
        t += status;
        t += "</td><td class=\"num\">";
        append_fixed(t, prng.below(10'000'000), 2);
        t += "</td><td>";
        append_timestamp(t, prng);
        t += "</td></tr>\n";
    }
    t += "          </tbody>\n        </table>\n";
    return t;
}

std::string html_section(Prng& prng, const ZipfPicker& words, std::uint32_t index) {
    std::string s = "      <section class=\"block\" id=\"section-";
    append_number(s, index);
    s += "\">\n        <h2>";
    append_number(s, index);
    s += ". ";
    s += capitalized(kEnglishWords[words.pick(prng)]);
    s += ' ';
    s += kEnglishWords[words.pick(prng)];
    s += "</h2>\n";
    std::uint32_t parts = prng.between(2, 5);
    for (std::uint32_t p = 0; p < parts; ++p) {
        switch (prng.below(4)) {
            case 0:
                s += html_table(prng, index);
                break;
            case 1: {
                s += "        <div class=\"card\">\n          <div class=\"card-body\">\n";
                s += "            <h3>";
                s += capitalized(kEnglishWords[words.pick(prng)]);
                s += "</h3>\n";
                s += html_paragraph(prng, words, "            ");
                s += "            <ul>\n";
                std::uint32_t items = prng.between(2, 6);
                for (std::uint32_t i = 0; i < items; ++i) {
                    s += "              <li><a href=\"#section-";
                    append_number(s, prng.below(index + 1));
                    s += "\">";
                    s += kEnglishWords[words.pick(prng)];
                    s += ' ';
                    s += kEnglishWords[words.pick(prng)];
                    s += "</a></li>\n";
                }
                s += "            </ul>\n          </div>\n        </div>\n";
                break;
            }
            default:
                s += html_paragraph(prng, words, "        ");
                break;
        }
    }
    s += "      </section>\n";
    return s;
}

// Elements and classes the page's style sheet has a rule for (and .status-<state>).
constexpr std::string_view kCssSelectors[] = {
    "body",   "h1",     "h2",    "h3",         "p",    "a",   "table",  "th", "td",
    "tr.odd", ".block", ".card", ".card-body", ".num", "nav", "footer", "ul", "li"};

std::string generate_html() {
    Prng prng(0x68746D6C'31323134ULL);  // "html1214"
    ZipfPicker words(std::size(kEnglishWords));
    std::string out =
        "<!DOCTYPE html>\n"
        "<html lang=\"en\">\n"
        "  <head>\n"
        "    <meta charset=\"utf-8\" />\n"
        "    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
        "    <title>Quarterly Service Report</title>\n"
        "    <style>\n";
    out.reserve(kHtmlSize);
    std::vector<std::string> selectors(std::begin(kCssSelectors), std::end(kCssSelectors));
    for (std::string_view state : kStates)
        selectors.push_back(".status-" + std::string(state));
    for (const std::string& selector : selectors) {
        out += "      ";
        out += selector;
        out += " {\n        color: #";
        append_hex(out, prng, 6);
        out += ";\n        margin: ";
        append_number(out, prng.below(5) * 4);
        out += "px ";
        append_number(out, prng.below(5) * 4);
        out += "px;\n        padding: ";
        append_number(out, prng.below(4) * 2);
        out += "px;\n      }\n";
    }
    out +=
        "    </style>\n"
        "  </head>\n"
        "  <body>\n"
        "    <div id=\"page\">\n"
        "      <nav>\n"
        "        <ul>\n";
    for (int i = 0; i < 12; ++i) {
        std::string_view target = kEnglishWords[words.pick(prng)];
        out += "          <li><a href=\"/";
        out += target;
        out += "/index.html\">";
        out += capitalized(target);
        out += "</a></li>\n";
    }
    out += "        </ul>\n      </nav>\n      <h1>Quarterly Service Report</h1>\n";
    constexpr std::string_view kClose =
        "      <footer>\n"
        "        <p>Generated test document. <a href=\"#page\">Back to top</a></p>\n"
        "      </footer>\n"
        "    </div>\n"
        "  </body>\n"
        "</html>\n";
    // The last paragraph is sized to make the total exact; keep room for it.
    constexpr std::size_t kReserve = 400;
    constexpr std::string_view kNoteOpen = "      <p class=\"note\">";
    constexpr std::string_view kNoteClose = "</p>\n";
    for (std::uint32_t index = 1;; ++index) {
        std::string section = html_section(prng, words, index);
        if (out.size() + section.size() + kReserve + kClose.size() > kHtmlSize) break;
        out += section;
    }
    out += kNoteOpen;
    out += ascii_filler(prng, kHtmlSize - out.size() - kNoteClose.size() - kClose.size());
    out += kNoteClose;
    out += kClose;
    return out;
}

// ---------------------------------------------------------------------------------------
// pdf: PDF 1.4 syntax (ISO 32000-1 7.5): header, numbered objects, a cross-reference
// table with the real offsets, trailer, "%%EOF". Fonts and images are streams marked
// /FlateDecode whose bytes are random (a deflated stream is nearly incompressible, which is
// what makes a real PDF compress so little); page contents are plain text operators.

struct PdfObject {
    std::string dictionary;
    std::string stream;
    bool has_stream = false;
};

void append_random_bytes(std::string& out, Prng& prng, std::size_t count) {
    std::size_t end = out.size() + count;
    while (out.size() + 8 <= end) {
        std::uint64_t v = prng.next();
        for (int i = 0; i < 8; ++i)
            out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
    std::uint64_t v = prng.next();
    while (out.size() < end) {
        out.push_back(static_cast<char>(v & 0xFF));
        v >>= 8;
    }
}

std::string pdf_page_contents(Prng& prng, const ZipfPicker& words, std::size_t length) {
    std::string c = "BT\n/F1 10 Tf\n12 TL\n72 760 Td\n";
    int line = 0;
    while (c.size() < length) {
        if (line % 56 == 0 && line) c += "ET\nBT\n/F1 10 Tf\n12 TL\n72 760 Td\n";
        c += '(';
        std::uint32_t count = prng.between(8, 14);
        for (std::uint32_t w = 0; w < count; ++w) {
            if (w) c += ' ';
            c += kEnglishWords[words.pick(prng)];
        }
        c += ") Tj T*\n";
        ++line;
    }
    c += "ET\n";
    return c;
}

std::string assemble_pdf(const std::vector<PdfObject>& objects) {
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";  // binary marker comment (7.5.2)
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        append_number(out, i + 1);
        out += " 0 obj\n";
        out += objects[i].dictionary;
        if (objects[i].has_stream) {
            out += "\nstream\n";
            out += objects[i].stream;
            out += "\nendstream";
        }
        out += "\nendobj\n";
    }
    std::size_t xref = out.size();
    out += "xref\n0 ";
    append_number(out, objects.size() + 1);
    out += "\n0000000000 65535 f \n";
    for (std::size_t offset : offsets) {
        append_number(out, offset, 10);
        out += " 00000 n \n";
    }
    out += "trailer\n<< /Size ";
    append_number(out, objects.size() + 1);
    out += " /Root 1 0 R /Info 2 0 R >>\nstartxref\n";
    append_number(out, xref);
    out += "\n%%EOF\n";
    return out;
}

std::string stream_dictionary(std::string_view entries, std::size_t length) {
    std::string d = "<< /Length ";
    append_number(d, length);
    d += entries;
    d += " >>";
    return d;
}

std::string generate_pdf() {
    Prng prng(0x70646631'32313235ULL);  // "pdf12125"
    ZipfPicker words(std::size(kEnglishWords));
    constexpr int kPages = 14;
    constexpr int kFonts = 3;
    // Object numbers: 1 catalog, 2 info, 3 page tree, then fonts (descriptor, font, font
    // file), then per page (page, contents, image), then one stream that pads to the size.
    constexpr int kFirstFont = 4;
    constexpr int kFirstPage = kFirstFont + 3 * kFonts;
    std::vector<PdfObject> objects;
    objects.push_back({"<< /Type /Catalog /Pages 3 0 R >>", "", false});
    std::string info = "<< /Title (Measurements of a message-oriented protocol) /Author (";
    info += prng.pick(kFirstNames);
    info += ' ';
    info += prng.pick(kLastNames);
    info += ") /Producer (wsspec test data) /CreationDate (D:20080312101500Z) >>";
    objects.push_back({info, "", false});
    std::string kids;
    for (int p = 0; p < kPages; ++p) {
        if (p) kids += ' ';
        append_number(kids, kFirstPage + 3 * p);
        kids += " 0 R";
    }
    std::string tree = "<< /Type /Pages /Kids [" + kids + "] /Count ";
    append_number(tree, kPages);
    tree += " >>";
    objects.push_back({tree, "", false});
    constexpr std::string_view kFontNames[] = {"Times-Roman", "Helvetica", "Courier"};
    for (int f = 0; f < kFonts; ++f) {
        int descriptor = kFirstFont + 3 * f;
        std::string d = "<< /Type /FontDescriptor /FontName /";
        d += kFontNames[f];
        d += " /Flags 32 /ItalicAngle 0 /Ascent 891 /Descent -216 /CapHeight 662"
             " /StemV 80 /FontBBox [-168 -218 1000 898] /FontFile2 ";
        append_number(d, descriptor + 2);
        d += " 0 R >>";
        objects.push_back({d, "", false});
        std::string font = "<< /Type /Font /Subtype /TrueType /BaseFont /";
        font += kFontNames[f];
        font += " /FirstChar 32 /LastChar 126 /FontDescriptor ";
        append_number(font, descriptor);
        font += " 0 R >>";
        objects.push_back({font, "", false});
        std::string file;
        append_random_bytes(file, prng, prng.between(30'000, 60'000));
        objects.push_back({stream_dictionary(" /Filter /FlateDecode", file.size()), file, true});
    }
    for (int p = 0; p < kPages; ++p) {
        int page = kFirstPage + 3 * p;
        std::string d = "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents ";
        append_number(d, page + 1);
        d += " 0 R /Resources << /Font << /F1 ";
        append_number(d, kFirstFont + 1);
        d += " 0 R /F2 ";
        append_number(d, kFirstFont + 4);
        d += " 0 R >> /XObject << /Im1 ";
        append_number(d, page + 2);
        d += " 0 R >> >> >>";
        objects.push_back({d, "", false});
        std::string contents = pdf_page_contents(prng, words, prng.between(16'000, 22'000));
        objects.push_back({stream_dictionary("", contents.size()), contents, true});
        std::uint32_t width = prng.between(200, 600);
        std::uint32_t height = prng.between(150, 400);
        std::string image_entries = " /Type /XObject /Subtype /Image /Width ";
        append_number(image_entries, width);
        image_entries += " /Height ";
        append_number(image_entries, height);
        image_entries += " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode";
        std::string image;
        append_random_bytes(image, prng, prng.between(25'000, 45'000));
        objects.push_back({stream_dictionary(image_entries, image.size()), image, true});
    }
    // Pad with one more stream (an embedded file) to the exact size. Its /Length digits
    // and the startxref offset depend on its size, so settle the size in a few rounds.
    std::size_t filler_size = 0;
    objects.push_back({"", "", true});
    std::string pdf;
    for (int round = 0; round < 8; ++round) {
        Prng bytes = prng;  // the same bytes each round, only the count changes
        std::string filler;
        append_random_bytes(filler, bytes, filler_size);
        objects.back().dictionary =
            stream_dictionary(" /Type /EmbeddedFile /Filter /FlateDecode", filler.size());
        objects.back().stream = std::move(filler);
        pdf = assemble_pdf(objects);
        if (pdf.size() == kPdfSize) break;
        filler_size = filler_size + kPdfSize - pdf.size();  // may shrink it (unsigned wrap)
    }
    return pdf;  // settles in two rounds (the unit test pins the size)
}

// ---------------------------------------------------------------------------------------

struct DataSet {
    std::string_view name;
    std::string_view description;
    bool sent_as_text;
    std::string (*generate)();
};

constexpr std::array<DataSet, 5> kSets = {{
    {"json", "JSON records (text, 194,056 bytes)", true, generate_json},
    {"bmp", "512x512 8-bit greyscale BMP image (binary, 263,222 bytes)", false, generate_bmp},
    {"text", "German verse drama, UTF-8 (binary, 222,218 bytes)", false, generate_text},
    {"html", "HTML document with tables and links (text, 263,647 bytes)", true, generate_html},
    {"pdf", "PDF with deflated streams (binary, 1,042,328 bytes)", false, generate_pdf},
}};

constexpr std::array<std::string_view, kSets.size()> kNames = {
    kSets[0].name, kSets[1].name, kSets[2].name, kSets[3].name, kSets[4].name};

const DataSet* find_set(std::string_view name) {
    for (const DataSet& set : kSets)
        if (set.name == name) return &set;
    return nullptr;
}

}  // namespace

std::span<const std::string_view> test_data_names() {
    return kNames;
}

std::optional<std::string_view> test_data(std::string_view name) {
    const DataSet* set = find_set(name);
    if (!set) return std::nullopt;
    struct Cached {
        std::once_flag once;
        std::string bytes;
    };
    static std::array<Cached, kSets.size()> cache;
    Cached& entry = cache[static_cast<std::size_t>(set - kSets.data())];
    std::call_once(entry.once, [&] { entry.bytes = set->generate(); });
    return std::string_view(entry.bytes);
}

std::optional<std::string_view> test_data_description(std::string_view name) {
    const DataSet* set = find_set(name);
    if (!set) return std::nullopt;
    return set->description;
}

std::optional<bool> test_data_sent_as_text(std::string_view name) {
    const DataSet* set = find_set(name);
    if (!set) return std::nullopt;
    return set->sent_as_text;
}

}  // namespace wsspec::cases
