// Case selection: Autobahn-style globs, role filtering and numeric id order.
#include "harness/cases/case_selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "harness/cases/case_loader.h"

namespace wsspec::cases {
namespace {

TEST(MatchesPatternTest, StarMatchesAnyRunIncludingDots) {
    EXPECT_TRUE(matches_pattern("1.1.1", "1.*"));
    EXPECT_TRUE(matches_pattern("1.1", "1.*"));
    EXPECT_TRUE(matches_pattern("6.4.4", "6.4.*"));
    EXPECT_TRUE(matches_pattern("hs.2.3", "hs.*"));
    EXPECT_TRUE(matches_pattern("7.13.2", "*"));
    EXPECT_TRUE(matches_pattern("9.7.1", "9.*.1"));
    EXPECT_TRUE(matches_pattern("12.1.1", "*.1.*"));
}

TEST(MatchesPatternTest, DoesNotMatchOtherCategories) {
    EXPECT_FALSE(matches_pattern("10.1.1", "1.*"));
    EXPECT_FALSE(matches_pattern("1", "1.*"));
    EXPECT_FALSE(matches_pattern("6.41.1", "6.4.*"));
    EXPECT_FALSE(matches_pattern("hs.1.1", "1.*"));
}

TEST(MatchesPatternTest, BareIdMatchesOnlyItself) {
    EXPECT_TRUE(matches_pattern("5.19", "5.19"));
    EXPECT_FALSE(matches_pattern("5.19.1", "5.19"));
    EXPECT_FALSE(matches_pattern("5.1", "5.19"));
    EXPECT_FALSE(matches_pattern("5.190", "5.19"));
}

TEST(SplitGlobsTest, SplitsOnCommasTrimsAndDropsEmpties) {
    EXPECT_EQ(split_globs(" 1.*, 2.1 ,,hs.* ,"), (std::vector<std::string>{"1.*", "2.1", "hs.*"}));
    EXPECT_EQ(split_globs("5.19"), (std::vector<std::string>{"5.19"}));
    EXPECT_TRUE(split_globs("").empty());
    EXPECT_TRUE(split_globs(" , ").empty());
}

TEST(CaseIdLessTest, ComparesNumericPartsAsNumbers) {
    EXPECT_TRUE(case_id_less("1.2", "1.10"));
    EXPECT_FALSE(case_id_less("1.10", "1.2"));
    EXPECT_TRUE(case_id_less("9.1.1", "10.1.1"));
    EXPECT_TRUE(case_id_less("7.9.9", "7.13.1"));
    EXPECT_TRUE(case_id_less("6.4.4", "6.5.1"));
}

TEST(CaseIdLessTest, PrefixSortsFirstAndEqualIsNotLess) {
    EXPECT_TRUE(case_id_less("1.1", "1.1.1"));
    EXPECT_FALSE(case_id_less("1.1.1", "1.1"));
    EXPECT_FALSE(case_id_less("5.19", "5.19"));
}

TEST(CaseIdLessTest, WordsSortAfterNumbers) {
    EXPECT_TRUE(case_id_less("10.1.1", "hs.1.1"));
    EXPECT_FALSE(case_id_less("hs.1.1", "1.1.1"));
    EXPECT_TRUE(case_id_less("hs.2.1", "hs.10.1"));
    EXPECT_TRUE(case_id_less("abc.1", "hs.1"));
}

Case make_case(std::string id, std::vector<Role> roles) {
    Case c;
    c.id = std::move(id);
    c.roles = std::move(roles);
    return c;
}

std::vector<std::string> ids(const std::vector<const Case*>& cases) {
    std::vector<std::string> out;
    for (const Case* c : cases)
        out.push_back(c->id);
    return out;
}

TEST(SelectCasesTest, SortsByNumericTupleAndFiltersByRole) {
    const std::vector<Case> all = {
        make_case("hs.1.1", {Role::server}), make_case("10.1.1", {Role::server, Role::client}),
        make_case("1.1.10", {Role::server, Role::client}),
        make_case("1.1.2", {Role::server, Role::client}), make_case("2.1", {Role::client})};
    EXPECT_EQ(ids(select_cases(all, {}, {}, Role::server)),
              (std::vector<std::string>{"1.1.2", "1.1.10", "10.1.1", "hs.1.1"}));
    EXPECT_EQ(ids(select_cases(all, {}, {}, Role::client)),
              (std::vector<std::string>{"1.1.2", "1.1.10", "2.1", "10.1.1"}));
}

TEST(SelectCasesTest, RunOrderIsTheDocumentedOneForShuffledIds) {
    // Written out by hand: 5.2 before 5.10, a prefix before its children, numbers before
    // words, words in byte order (cf < hs < hsc < sf < u8), numbers inside words' groups
    // as numbers (hs.2.1 before hs.10.1).
    const std::vector<std::string> expected = {
        "1.1",    "1.1.1",  "1.1.2",  "1.1.10", "5.1",    "5.2",     "5.10",    "5.19",   "9.1.1",
        "10.1.1", "cf.1.1", "hs.1.1", "hs.1.2", "hs.2.1", "hs.10.1", "hsc.1.1", "sf.1.1", "u8.1.1"};
    std::vector<Case> all;
    for (const std::string& id : expected)
        all.push_back(make_case(id, {Role::server}));
    std::mt19937 rng(20);
    for (int round = 0; round < 5; ++round) {
        std::shuffle(all.begin(), all.end(), rng);
        EXPECT_EQ(ids(select_cases(all, {}, {}, Role::server)), expected);
    }
}

TEST(SelectCasesTest, IncludesAnyMatchAndExcludesWin) {
    const std::vector<Case> all = {
        make_case("1.1.1", {Role::server}), make_case("1.2.1", {Role::server}),
        make_case("5.19", {Role::server}), make_case("9.1.1", {Role::server}),
        make_case("hs.1.1", {Role::server})};
    EXPECT_EQ(ids(select_cases(all, {"1.*", "hs.*"}, {"1.2.*"}, Role::server)),
              (std::vector<std::string>{"1.1.1", "hs.1.1"}));
    EXPECT_EQ(ids(select_cases(all, {}, {"9.*"}, Role::server)),
              (std::vector<std::string>{"1.1.1", "1.2.1", "5.19", "hs.1.1"}));
    EXPECT_EQ(ids(select_cases(all, {"5.19"}, {}, Role::server)),
              (std::vector<std::string>{"5.19"}));
    EXPECT_TRUE(select_cases(all, {"7.*"}, {}, Role::server).empty());
}

TEST(SelectCasesTest, RealCatalogRunsInNumericOrderWhateverTheLoadOrder) {
    auto all = load_catalog(WSSPEC_DEFAULT_CASES_DIR);
    std::mt19937 rng(6455);
    std::shuffle(all.begin(), all.end(), rng);  // the sort, not the files, must give the order
    const auto server = select_cases(all, {}, {}, Role::server);
    const auto for_servers = std::count_if(all.begin(), all.end(), [](const Case& c) {
        return std::find(c.roles.begin(), c.roles.end(), Role::server) != c.roles.end();
    });
    ASSERT_EQ(server.size(), static_cast<std::size_t>(for_servers));
    EXPECT_EQ(server.front()->id, "1.1.1");
    // Each group in one run, groups in this order: Autobahn numbers, then wsspec's own.
    std::vector<std::string> groups;
    for (const Case* c : server) {
        const std::string group = c->id.substr(0, c->id.find('.'));
        if (groups.empty() || groups.back() != group) groups.push_back(group);
    }
    EXPECT_EQ(groups, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "9", "10", "12",
                                                "13", "h2", "hs", "pmd", "sf", "u8"}));
    EXPECT_EQ(ids(select_cases(all, {"5.*"}, {}, Role::server)),
              (std::vector<std::string>{"5.1",  "5.2",  "5.3",  "5.4",  "5.5",  "5.6",  "5.7",
                                        "5.8",  "5.9",  "5.10", "5.11", "5.12", "5.13", "5.14",
                                        "5.15", "5.16", "5.17", "5.18", "5.19", "5.20"}));
    const auto hs = ids(select_cases(all, {"hs.*"}, {}, Role::server));
    ASSERT_GE(hs.size(), 10u);
    EXPECT_EQ(std::vector<std::string>(hs.begin(), hs.begin() + 10),
              (std::vector<std::string>{"hs.1.1", "hs.1.2", "hs.1.3", "hs.1.4", "hs.1.5", "hs.1.6",
                                        "hs.1.7", "hs.2.1", "hs.2.2", "hs.2.3"}));
    EXPECT_EQ(hs.back(), "hs.9.5");

    const auto client = select_cases(all, {}, {"9.*"}, Role::client);
    for (const Case* c : client) {
        EXPECT_NE(c->id.rfind("hs.", 0), 0u) << c->id;
        EXPECT_NE(c->id.rfind("9.", 0), 0u) << c->id;
    }
    EXPECT_EQ(ids(select_cases(all, split_globs("6.4.*"), {}, Role::server)),
              (std::vector<std::string>{"6.4.1", "6.4.2", "6.4.3", "6.4.4"}));
    const auto six = select_cases(all, {"6.*"}, {}, Role::client);
    EXPECT_EQ(six.size(), 145u);
    EXPECT_EQ(six[3]->id, "6.2.1");  // 6.1.3 is followed by 6.2.1, and 6.9.* by 6.10.*
}

}  // namespace
}  // namespace wsspec::cases
