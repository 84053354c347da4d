"""Each labelled segment of a reference string made into a field value.

The labeller says which words are the volume or the authors; these say what the
words mean: "33(2):45-9" is volume 33, issue 2, pages 45-9; "Lee, A. B., and K. Mills"
is two people. One module a field, as AnyStyle keeps one normaliser a field, so a fix
for a page style touches one small file. All pure functions over strings.
"""
