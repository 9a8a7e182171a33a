import Testing

@testable import Model

/// One number grammar for every numeric key: what it takes and what it refuses.
@Suite struct NumberGrammarTests {
    @Test(arguments: ["0", "5", "-3", "1_000", "250000", "9_223_372_036_854_775_807"])
    func integersItTakes(_ text: String) {
        #expect(NumberGrammar.integer(text) != nil, "\(text)")
    }

    @Test(arguments: [
        "_5_", "5_", "1__000", "010", "00", "-0", "0x10", "0o7", "0b1", "+5", "1e3", "1.0", "", " ", "٣",
        "9_223_372_036_854_775_808",
    ])
    func integersItRefuses(_ text: String) {
        #expect(NumberGrammar.integer(text) == nil, "\(text)")
    }

    @Test(arguments: ["0", "0.5", "1", "2.25", "1e-3", "1.5E+2", "-0.5", "1_000.000_1"])
    func numbersItTakes(_ text: String) {
        #expect(NumberGrammar.number(text) != nil, "\(text)")
    }

    @Test(arguments: [
        "0x1p-1", "0x10", ".5", "5.", "-0", "-0.0", "1e400", "inf", "nan", "Infinity", "010", "_0.5", "1e", "1e+",
    ])
    func numbersItRefuses(_ text: String) {
        #expect(NumberGrammar.number(text) == nil, "\(text)")
    }
}

/// A number of the grammar is also within the bound of what it counts or measures.
@Suite struct BoundedNumberTests {
    @Test func aNumberOutsideItsBoundIsRefusedLikeOneOutsideTheGrammar() {
        #expect(NumberGrammar.number("12.5", in: 0...100) == 12.5)
        #expect(NumberGrammar.number("0", in: 0...100) == 0)
        #expect(NumberGrammar.number("100", in: 0...100) == 100)
        for text in ["100.5", "-1", "-0", "0x10", "1e400", "nan"] {
            #expect(NumberGrammar.number(text, in: 0...100) == nil, "\(text)")
        }
        #expect(NumberGrammar.integer("1_000", in: 1...100_000) == 1_000)
        for text in ["0", "100_001", "-0", "0x10", "1e3"] {
            #expect(NumberGrammar.integer(text, in: 1...100_000) == nil, "\(text)")
        }
    }
}
