import SocklabTestSupport

/// Texts with `{…}` placeholders in every awkward arrangement, for the tests that check each reader
/// of exercise texts (`ExerciseText`, the site's symbolic rendering) against the loop it had before
/// `TemplateScanner`: every concatenation of up to four short tokens (unbalanced `{`, `}}`, `{}`,
/// nested braces, Korean, a combining mark that turns `{` into another character, a newline), then
/// longer ones from a fixed pseudo-random sequence, so a failure is the same on every run.
public enum TemplateTexts {
    public static func all(names: [String]) -> [String] {
        let short = ["{", "}", "한국 ", "\u{301}", "{}", "\n"] + names.prefix(3).map { $0 }
        let long = short + names + ["{{", "}}", "{ n }", "`", "é", "e\u{301}", "1/0", " ", "(", ")"]
        return TokenTexts.make(short: short, long: long, seed: 0x7e57)
    }
}
