// The sources' tests arrive with their issue; SwiftPM needs the folder to hold a file.
