import CourseModel
import Foundation

extension Workers {
    /// One thread per core of this machine: the command's choice for every parallel job.
    static var machine: Workers { Workers(count: ProcessInfo.processInfo.activeProcessorCount) }
}
