// The generated stand-ins for Autobahn's 12.*/13.* test files: names, exact sizes, pinned
// bytes, and checks that each set is of the nature it claims (valid JSON, a consistent BMP,
// ASCII where it is sent as text, and deflate ratios in the class of the original file).
#include "harness/cases/test_data.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness/codec/utf8_validator.h"

namespace wsspec::cases {
namespace {

std::string_view data_of(std::string_view name) {
    std::optional<std::string_view> data = test_data(name);
    EXPECT_TRUE(data.has_value()) << name;
    return data.value_or(std::string_view{});
}

std::string sha1_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha1(), nullptr);
    std::string hex;
    constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < size; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0x0F]);
    }
    return hex;
}

// Original size / zlib size at the default level (6), the level Autobahn's peers use.
double deflate_ratio(std::string_view bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::vector<Bytef> out(size);
    int rc = compress2(out.data(), &size, reinterpret_cast<const Bytef*>(bytes.data()),
                       static_cast<uLong>(bytes.size()), Z_DEFAULT_COMPRESSION);
    EXPECT_EQ(rc, Z_OK);
    return static_cast<double>(bytes.size()) / static_cast<double>(size);
}

std::uint32_t le(std::string_view bytes, std::size_t offset, int width) {
    std::uint32_t value = 0;
    for (int i = width - 1; i >= 0; --i)
        value = value << 8 | static_cast<std::uint8_t>(bytes[offset + i]);
    return value;
}

bool is_ascii(std::string_view bytes) {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

TEST(TestDataTest, NamesTheFiveSetsInAutobahnCaseOrder) {
    std::vector<std::string_view> names(test_data_names().begin(), test_data_names().end());
    EXPECT_EQ(names, (std::vector<std::string_view>{"json", "bmp", "text", "html", "pdf"}));
}

TEST(TestDataTest, UnknownNameHasNoData) {
    EXPECT_FALSE(test_data("lena").has_value());
    EXPECT_FALSE(test_data("").has_value());
    EXPECT_FALSE(test_data_description("JSON").has_value());
    EXPECT_FALSE(test_data_sent_as_text("xml").has_value());
}

// The sizes of data1.json, lena512.bmp, pg2229.txt, data1.html and 10.1.1.105.5439.pdf in
// autobahn-testsuite's testdata/ folder.
TEST(TestDataTest, SizesAreThoseOfAutobahnFiles) {
    EXPECT_EQ(data_of("json").size(), 194'056U);
    EXPECT_EQ(data_of("bmp").size(), 263'222U);
    EXPECT_EQ(data_of("text").size(), 222'218U);
    EXPECT_EQ(data_of("html").size(), 263'647U);
    EXPECT_EQ(data_of("pdf").size(), 1'042'328U);
}

// Any change to a generator changes these: the data is part of what a 12.* result means.
TEST(TestDataTest, BytesArePinned) {
    const std::map<std::string_view, std::string> expected = {
        {"json", "d3bcb42b55b76a2f27c0ec5f419d0014114979a2"},
        {"bmp", "214ef3d40dea4b1a038565371eb644722496b930"},
        {"text", "cbf0ebe2c7ef641691020df675a5442fd8231e6a"},
        {"html", "66c8f628cf417967f179cbafd8a2feff71d591c6"},
        {"pdf", "08a58147a05e108223980aeb2d50257811295dc5"},
    };
    for (std::string_view name : test_data_names())
        EXPECT_EQ(sha1_hex(data_of(name)), expected.at(name)) << name;
}

TEST(TestDataTest, GeneratedOnceAndSharedBetweenThreads) {
    std::vector<const char*> seen(8, nullptr);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i)
        threads.emplace_back([&seen, i] { seen[i] = test_data("html")->data(); });
    for (std::thread& t : threads)
        t.join();
    for (const char* p : seen)
        EXPECT_EQ(p, data_of("html").data());
}

TEST(TestDataTest, DescriptionsGiveKindAndSize) {
    EXPECT_EQ(test_data_description("json"), "JSON records (text, 194,056 bytes)");
    for (std::string_view name : test_data_names()) {
        std::string_view description = test_data_description(name).value_or("");
        std::string size = std::to_string(data_of(name).size());
        for (int at = static_cast<int>(size.size()) - 3; at > 0; at -= 3)
            size.insert(static_cast<std::size_t>(at), ",");
        EXPECT_NE(
            description.find("(" + std::string(*test_data_sent_as_text(name) ? "text" : "binary") +
                             ", " + size + " bytes)"),
            std::string_view::npos)
            << description;
    }
}

// 12.1 and 12.4 send windows over json and html as text messages, cut at arbitrary byte
// offsets: only ASCII keeps every window valid UTF-8 (RFC 6455 8.1).
TEST(TestDataTest, SetsSentAsTextArePureAscii) {
    for (std::string_view name : test_data_names()) {
        if (*test_data_sent_as_text(name)) {
            EXPECT_TRUE(is_ascii(data_of(name))) << name;
        }
    }
    EXPECT_TRUE(*test_data_sent_as_text("json"));
    EXPECT_TRUE(*test_data_sent_as_text("html"));
}

TEST(TestDataTest, JsonIsAnArrayOfRecords) {
    nlohmann::json doc = nlohmann::json::parse(data_of("json"));
    ASSERT_TRUE(doc.is_array());
    EXPECT_GT(doc.size(), 100U);
    const nlohmann::json& first = doc.front();
    EXPECT_TRUE(first["id"].is_number_integer());
    EXPECT_TRUE(first["active"].is_boolean());
    EXPECT_TRUE(first["balance"].is_number_float());
    EXPECT_TRUE(first["address"]["geo"].is_object());
    EXPECT_TRUE(first["tags"].is_array());
    EXPECT_EQ(first["registered"].get<std::string>().size(), 20U);  // 2014-03-21T08:15:42Z
}

TEST(TestDataTest, TextIsGermanUtf8WithUmlauts) {
    std::string_view text = data_of("text");
    EXPECT_TRUE(codec::Utf8Validator::is_valid(reinterpret_cast<const std::uint8_t*>(text.data()),
                                               text.size()));
    EXPECT_FALSE(is_ascii(text));
    EXPECT_NE(text.find("\xC3\xBC"), std::string_view::npos);  // u umlaut
    EXPECT_NE(text.find(" und "), std::string_view::npos);
    EXPECT_EQ(text.back(), '\n');
    EXPECT_FALSE(*test_data_sent_as_text("text"));
}

TEST(TestDataTest, HtmlIsAWholeDocument) {
    std::string_view html = data_of("html");
    EXPECT_EQ(html.substr(0, 15), "<!DOCTYPE html>");
    EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
    for (std::string_view tag : {"<head>", "<table", "<a href=", "<div", "<p>"})
        EXPECT_NE(html.find(tag), std::string_view::npos) << tag;
}

// BITMAPFILEHEADER (14 bytes) + BITMAPINFOHEADER (40) + 256-entry grey palette + pixels.
TEST(TestDataTest, BmpHeaderIsConsistent) {
    std::string_view bmp = data_of("bmp");
    ASSERT_GE(bmp.size(), 1078U);
    EXPECT_EQ(bmp.substr(0, 2), "BM");
    EXPECT_EQ(le(bmp, 2, 4), bmp.size());  // file size
    EXPECT_EQ(le(bmp, 10, 4), 1078U);      // pixel offset
    EXPECT_EQ(le(bmp, 14, 4), 40U);        // info header size
    EXPECT_EQ(le(bmp, 18, 4), 512U);       // width
    EXPECT_EQ(le(bmp, 22, 4), 512U);       // height (bottom-up)
    EXPECT_EQ(le(bmp, 26, 2), 1U);         // planes
    EXPECT_EQ(le(bmp, 28, 2), 8U);         // bits per pixel
    EXPECT_EQ(le(bmp, 30, 4), 0U);         // BI_RGB, uncompressed
    EXPECT_EQ(le(bmp, 34, 4), 512U * 512U);
    EXPECT_EQ(bmp.size(), 1078U + 512U * 512U);
    for (std::uint32_t level = 0; level < 256; ++level)
        EXPECT_EQ(le(bmp, 54 + 4 * level, 4), level | level << 8 | level << 16) << level;
}

TEST(TestDataTest, PdfHasHeaderCrossReferenceAndEnd) {
    std::string_view pdf = data_of("pdf");
    EXPECT_EQ(pdf.substr(0, 9), "%PDF-1.4\n");
    EXPECT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
    std::size_t startxref = pdf.rfind("startxref\n");
    ASSERT_NE(startxref, std::string_view::npos);
    std::size_t xref = std::stoul(std::string(pdf.substr(startxref + 10, 12)));
    EXPECT_EQ(pdf.substr(xref, 5), "xref\n");
    EXPECT_NE(pdf.find("/FlateDecode"), std::string_view::npos);
}

// The nature of each set, as zlib sees it: the originals compress by about 23x (json), 18x
// (html), 2.6x (text), 1.18x (bmp) and 1.32x (pdf). The generated json and html are less
// repetitive than Autobahn's but must stay clearly compressible markup; the prose is as
// compressible as real German text; the bitmap compresses like a photo (a little, not like
// flat synthetic art); the pdf is mostly deflated streams (barely compressible).
TEST(TestDataTest, DeflateRatiosMatchTheNatureOfEachSet) {
    double json = deflate_ratio(data_of("json"));
    double html = deflate_ratio(data_of("html"));
    double text = deflate_ratio(data_of("text"));
    double bmp = deflate_ratio(data_of("bmp"));
    double pdf = deflate_ratio(data_of("pdf"));
    EXPECT_GT(json, 2.5);
    EXPECT_GT(html, 2.5);
    EXPECT_GT(text, 2.5);
    EXPECT_LT(text, 4.0);
    EXPECT_GT(bmp, 1.05);
    EXPECT_LT(bmp, 2.0);
    EXPECT_GT(pdf, 1.0);
    EXPECT_LT(pdf, 1.3);
    std::printf("deflate ratios: json %.3f, html %.3f, text %.3f, bmp %.3f, pdf %.3f\n", json, html,
                text, bmp, pdf);
}

}  // namespace
}  // namespace wsspec::cases
