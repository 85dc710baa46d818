// EnumNames: one table read both ways, aliases accepted but never printed.
#include "base/enum_names.h"

#include <string>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

enum class Fruit { kApple, kPear, kPlum };

constexpr EnumName<Fruit> kFruit[] = {
    {Fruit::kApple, "apple"},
    {Fruit::kPear, "pear"},
    {Fruit::kApple, "pomme"},  // an alias, after the name
};

}  // namespace

TEST_GROUP(EnumNames){};

TEST(EnumNames, NameOfGivesTheFirstRowsSpelling) {
  STRCMP_EQUAL("apple", name_of(Fruit::kApple, kFruit, "?"));
  STRCMP_EQUAL("pear", name_of(Fruit::kPear, kFruit, "?"));
}

TEST(EnumNames, NameOfAValueWithoutARowIsTheFallback) {
  STRCMP_EQUAL("?", name_of(Fruit::kPlum, kFruit, "?"));
}

TEST(EnumNames, EnumNamedReadsNamesAndAliasesExactly) {
  CHECK_TRUE(enum_named("pear", kFruit) == Fruit::kPear);
  CHECK_TRUE(enum_named("pomme", kFruit) == Fruit::kApple);
  CHECK_FALSE(enum_named("Pear", kFruit).has_value());
  CHECK_FALSE(enum_named("", kFruit).has_value());
}

TEST(EnumNames, SpellingsListsEveryRowInOrder) {
  STRCMP_EQUAL("apple, pear, pomme", enum_spellings(kFruit).c_str());
}
