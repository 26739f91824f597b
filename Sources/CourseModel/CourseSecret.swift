import SourceFiles
/// Where the key for variants and their tags comes from, and what is wrong with it.
///
/// A real course keeps its secret out of `content/` (which holds every answer query, and which
/// students must not have either): in the environment variable `SOCKLAB_SECRET`, at least
/// `minimumBytes` long. The `secret:` in course.yaml is for trying SockLab out; using it works but
/// warns, because anyone who has the content folder can then write any student's answer file.
/// The command reads the environment; this type only decides, so the rule is tested without one.
public enum CourseSecret {
    /// The shortest secret accepted from `SOCKLAB_SECRET`, in bytes (128 bits of ASCII at best).
    public static let minimumBytes = 16
    /// The secret shipped in the demo course.yaml.
    public static let demo = "socklab-demo-secret-change-me"

    /// The secret to use and what to say about it.
    ///
    /// - Parameters:
    ///   - environment: `SOCKLAB_SECRET`'s value, nil when it is not set (set but empty is an error,
    ///     never a silent fall-back to course.yaml).
    ///   - course: course.yaml's `secret:`, if any.
    ///   - courseFile: course.yaml's path, for the diagnostics.
    ///   - needed: whether any exercise has per-student variants (without them any secret will do).
    public static func resolve(environment: String?, course: String?, courseFile: String,
                               needed: Bool) -> (secret: String?, diagnostics: [Diagnostic]) {
        let env = SourceLocation(file: "SOCKLAB_SECRET")
        let advice = "for a real course: SOCKLAB_SECRET=\"$(head -c 24 /dev/urandom | base64)\", kept outside content/ (see README, 'The course secret')"
        if let environment {
            let bytes = environment.utf8.count
            if bytes == 0 {
                return (nil, [Diagnostic(at: env, id: .secretEmpty,
                                         "SOCKLAB_SECRET is set but empty; unset it to use course.yaml's demo secret, or set a real one",
                                         notes: [advice])])
            }
            if bytes < minimumBytes {
                return (nil, [Diagnostic(at: env, id: .secretTooShort,
                                         "SOCKLAB_SECRET is \(bytes) byte\(bytes == 1 ? "" : "s"); a course secret is at least \(minimumBytes) bytes",
                                         notes: [advice])])
            }
            return (environment, [])
        }
        if let course, !course.isEmpty {
            let what = course == demo ? "the demo secret from course.yaml" : "the secret written in course.yaml"
            return (course, [Diagnostic(.warning, at: SourceLocation(file: courseFile), id: .secretFromContent,
                                        "using \(what): anyone who has content/ can make any student's answer file and tags",
                                        notes: [advice])])
        }
        if !needed { return ("", []) }
        return (nil, [Diagnostic(at: SourceLocation(file: courseFile), id: .contentNoSecret,
                                 "exercises have per-student variants but no course secret is set",
                                 notes: ["set the environment variable SOCKLAB_SECRET (at least \(minimumBytes) bytes), or 'secret:' in course.yaml to try SockLab out"])])
    }
}
