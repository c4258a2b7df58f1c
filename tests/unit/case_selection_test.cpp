// Case selection: Autobahn-style globs, role filtering and numeric id order.
#include "harness/cases/case_selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

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

TEST(SelectCasesTest, RealCatalogOrderAndFilters) {
    const auto all = load_catalog(WSSPEC_DEFAULT_CASES_DIR);
    const auto server = select_cases(all, {}, {}, Role::server);
    const auto for_servers = std::count_if(all.begin(), all.end(), [](const Case& c) {
        return std::find(c.roles.begin(), c.roles.end(), Role::server) != c.roles.end();
    });
    ASSERT_EQ(server.size(), static_cast<std::size_t>(for_servers));
    EXPECT_EQ(server.front()->id, "1.1.1");
    // wsspec's own groups (hs.*, ...) sort after every Autobahn id.
    EXPECT_FALSE(std::isdigit(static_cast<unsigned char>(server.back()->id.front())));
    for (std::size_t i = 1; i < server.size(); ++i) {
        EXPECT_TRUE(case_id_less(server[i - 1]->id, server[i]->id))
            << server[i - 1]->id << " " << server[i]->id;
    }
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
