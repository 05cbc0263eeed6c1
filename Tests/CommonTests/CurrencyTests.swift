import Testing

@testable import Common

@Suite("Currencies")
struct CurrencyTests {
    @Test(arguments: [
        ("EUR", 2), ("USD", 2), ("JPY", 0), ("CLP", 0), ("VND", 0), ("XOF", 0), ("XAF", 0), ("KRW", 0),
        ("KWD", 3), ("BHD", 3), ("TND", 3),
    ])
    func knowsTheMinorUnitOfEveryCurrencyInCirculation(code: String, digits: Int) {
        #expect(Currency(code: code)?.minorDigits == digits)
    }

    @Test func theTableComesFromICUAndCoversTheWorld() {
        // ISO 4217 lists about 180 codes, of which some 150 circulate.
        #expect(Currency.inCirculation.count > 140)
        #expect(Currency.inCirculation.keys.allSatisfy { $0.count == 3 && $0.allSatisfy(\.isUppercase) })
    }

    @Test(arguments: ["ABC", "DEM", "XAU", "XXX", "eur", "EU", "EURO", ""])
    func refusesCodesNotInCirculation(code: String) {
        #expect(Currency(code: code) == nil)
    }

    @Test(arguments: [
        (4500, "EUR", "45.00 EUR"), (5, "EUR", "0.05 EUR"), (-5, "EUR", "-0.05 EUR"), (4500, "JPY", "4500 JPY"),
        (12_000, "CLP", "12000 CLP"), (4500, "KWD", "4.500 KWD"), (-1_000_001, "KWD", "-1000.001 KWD"),
    ])
    func formatsMinorUnitsAsTheBrowserDoes(minor: Int, code: String, text: String) {
        #expect(Currency.format(minor, code: code) == text)
    }

    @Test func aCodeFromBeforeCodesWereCheckedShowsTwoDigits() {
        #expect(Currency.format(4500, code: "ABC") == "45.00 ABC")
    }
}
