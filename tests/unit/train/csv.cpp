// train::parse_csv, load_csv, save_csv: numeric tables as datasets.
#include <catch2/catch.hpp>
#include <ctnn/train/csv.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "../support.hpp"

using namespace ctnn;
namespace fs = std::filesystem;
using Catch::Contains;
using train::csv_options;
using ctnn_test::TempDir;

namespace {
using Cls = train::Dataset<float, Shape<3>>;
using Reg = train::Dataset<double, Shape<2>, Shape<2>>;

}  // namespace

TEST_CASE("CSV classification table", "[train][csv]") {
    const auto d = train::parse_csv<Cls>("1,2,3,0\n4.5, -5e-1 ,+6,2\r\n\n  \n7,8,9,1", "t.csv", {}, 3);
    REQUIRE(d.size() == 3);
    CHECK(d.input(0)[0] == 1.0f);
    CHECK(d.input(1)[0] == 4.5f);
    CHECK(d.input(1)[1] == -0.5f);
    CHECK(d.input(1)[2] == 6.0f);
    CHECK(d.label(0) == 0);
    CHECK(d.label(1) == 2);
    CHECK(d.label(2) == 1);
}

TEST_CASE("CSV header, delimiter and label column", "[train][csv]") {
    csv_options o;
    o.header = true;
    o.delimiter = ';';
    o.label_column = 0;
    const auto d = train::parse_csv<Cls>("label;a;b;c\n2;1.5;2.5;3.5\n0;-1;-2;-3\n", "h.csv", o);
    REQUIRE(d.size() == 2);
    CHECK(d.label(0) == 2);
    CHECK(d.input(0)[2] == 3.5f);
    CHECK(d.input(1)[0] == -1.0f);

    o = {};
    o.delimiter = '\t';
    o.label_column = -2;  // counts from the back
    const auto t = train::parse_csv<Cls>("1\t2\t7\t3\n", "tab.tsv", o);
    CHECK(t.label(0) == 7);
    CHECK(t.input(0)[2] == 3.0f);
    CHECK(train::parse_csv<Cls>("1,2,3,4.0\n", "float-label.csv").label(0) == 4);  // integral value
}

TEST_CASE("CSV regression table", "[train][csv]") {
    const auto r = train::parse_csv<Reg>("1,2,0.25,-4\n3,4,1e3,5\n", "r.csv");
    REQUIRE(r.size() == 2);
    CHECK(r.input(1)[1] == 4.0);
    CHECK(r.target(0)[0] == 0.25);
    CHECK(r.target(1)[0] == 1000.0);
    CHECK(r.target(1)[1] == 5.0);
}

TEST_CASE("CSV files load, and save_csv round-trips", "[train][csv]") {
    TempDir dir;
    const auto p = dir.write("iris.csv", "x,y,z,label\n0.1,0.2,0.3,1\n");
    csv_options o;
    o.header = true;
    const auto d = train::load_csv<Cls>(p, o, 3);
    REQUIRE(d.size() == 1);
    CHECK(d.input(0)[2] == 0.3f);

    Reg r;
    const double x[2] = {0.1, -1e-300}, t[2] = {1.0 / 3.0, 12345.678};
    r.push_back(x, t);
    r.push_back(t, x);
    const auto out = (dir.path / "saved.csv").string();
    train::save_csv(r, out, o);
    const auto back = train::load_csv<Reg>(out, o);
    REQUIRE(back.size() == 2);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 2; ++j) {
            CHECK(back.input(i)[j] == r.input(i)[j]);  // exact: shortest round-trip form
            CHECK(back.target(i)[j] == r.target(i)[j]);
        }

    csv_options first;
    first.label_column = 0;
    train::save_csv(d, out, first);
    const auto dc = train::load_csv<Cls>(out, first, 3);
    CHECK(dc.label(0) == 1);
    CHECK(dc.input(0)[1] == 0.2f);
}

TEST_CASE("CSV errors name the file, the line and the column", "[train][csv]") {
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,3,0\n1,2,0\n", "a.csv"),
                        "ctnn: a.csv: line 2: expected 4 columns, found 3");
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,3,0,5\n", "a.csv"),
                        Contains("a.csv: line 1: expected 4 columns, found 5"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("\n1,x2,3,0\n", "b.csv"),
                        "ctnn: b.csv: line 2, column 2: expected a number, found 'x2'");
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2.5.1,3,0\n", "b.csv"),
                        Contains("b.csv: line 1, column 2: expected a number, found '2.5.1'"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,,3,0\n", "b.csv"),
                        Contains("b.csv: line 1, column 2: empty field, expected a number"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,nan,0\n", "c.csv"),
                        Contains("c.csv: line 1, column 3: expected a finite number, found 'nan'"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,-inf,0\n", "c.csv"),
                        Contains("c.csv: line 1, column 3: expected a finite number, found '-inf'"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,1e300,0\n", "c.csv"),
                        Contains("c.csv: line 1, column 3: '1e300' overflows float"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,1e999,0\n", "c.csv"),
                        Contains("c.csv: line 1, column 3: '1e999' is out of the range of a double"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,3,0\n1,2,3,3\n", "d.csv", {}, 3),
                        "ctnn: d.csv: line 2, column 4: label '3' is out of range, expected 0 to 2 (3 classes)");
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,3,-1\n", "d.csv"),
                        Contains("d.csv: line 1, column 4: label '-1' is out of range"));
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,3,1.5\n", "d.csv"),
                        Contains("d.csv: line 1, column 4: the label '1.5' is not an integer"));
    CHECK(train::parse_csv<Cls>("1,2,3,300\n", "d.csv").label(0) == 300);  // classes 0: no upper bound
}

TEST_CASE("CSV errors: empty file, header only, bad label column, missing file", "[train][csv]") {
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("", "e.csv"), "ctnn: e.csv: empty file, expected rows of 4 columns");
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("\n \n", "e.csv"), Contains("e.csv: empty file"));
    csv_options h;
    h.header = true;
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("a,b,c,label\n", "h.csv", h),
                        Contains("h.csv: no data rows after the header"));
    csv_options bad;
    bad.label_column = 4;
    REQUIRE_THROWS_WITH(train::parse_csv<Cls>("1,2,3,0\n", "l.csv", bad),
                        Contains("l.csv: label_column 4 is outside the 4 columns a row has"));

    TempDir dir;
    const auto missing = (dir.path / "missing.csv").string();
    REQUIRE_THROWS_WITH(train::load_csv<Cls>(missing), "ctnn: " + missing + ": no such file");
    REQUIRE_THROWS_WITH(train::load_csv<Cls>(dir.path.string()), Contains("is a directory"));
    const auto empty = dir.write("empty.csv", "");
    REQUIRE_THROWS_WITH(train::load_csv<Cls>(empty), Contains(empty + ": empty file"));
}
