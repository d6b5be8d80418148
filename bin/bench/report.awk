# Turns results.csv (one measurement per line: system,workload_id,workload,metric,value,unit,better,note,round) into
# the comparison table of bin/bench/run.sh: one row per workload and metric, one column per system (the median over
# the rounds of --rounds), and the ratio of Chronik to each Kafka variant. Prints it to stdout and writes it as CSV (csv=FILE) and Markdown (md=FILE, with the
# machine and settings from env=FILE and every note). Run: awk -F, -v md=... -v csv=... -v env=... -f report.awk
# results.csv
BEGIN {
    nsys = split("chronik,kafka,kafka-fsync", sys, ",")
    title["chronik"] = "Chronik"; title["kafka"] = "Kafka"; title["kafka-fsync"] = "Kafka fsync"
}
NR == 1 { next }
{
    key = $2 SUBSEP $4 SUBSEP $6
    if (!(key in label)) { order[++nrows] = key; label[key] = $3; metricname[key] = $4 " (" $6 ")"; better[key] = $7 }
    if ($5 != "") { count[$1, key]++; sample[$1, key, count[$1, key]] = $5 + 0 }
    if ($8 != "") {
        note[$1, key] = $8
        if (!(($1 SUBSEP $3 SUBSEP $8) in seen)) { seen[$1, $3, $8] = 1; notes[++nnotes] = "- " title[$1] ", " $3 ": " $8 }
    }
}
# median(s, k): the median of the samples of system s for row k, formatted like the inputs, or "" without samples.
function median(s, k,    n, i, j, x, a) {
    n = count[s, k]
    if (n == 0) return ""
    for (i = 1; i <= n; i++) a[i] = sample[s, k, i]
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    x = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    return (x == int(x)) ? sprintf("%d", x) : sprintf("%.2f", x)
}
function cell(s, k,    n) {
    if (value[s, k] != "") return value[s, k]
    n = note[s, k]
    if (n ~ /^skipped/) return "skipped"
    if (n ~ /^capped/) return "n/a (capped)"
    if (n ~ /^failed/) return "failed"
    return ""
}
function ratio(a, b, k) {
    if (value[a, k] == "" || value[b, k] == "" || value[b, k] + 0 == 0) return ""
    return sprintf("%.2f", value[a, k] / value[b, k])
}
END {
    for (r = 1; r <= nrows; r++) for (i = 1; i <= nsys; i++) value[sys[i], order[r]] = median(sys[i], order[r])
    ncols = 3 + nsys + 2
    header[1] = "workload"; header[2] = "metric"
    for (i = 1; i <= nsys; i++) header[2 + i] = title[sys[i]]
    header[3 + nsys] = "Chronik/Kafka"; header[4 + nsys] = "Chronik/Kafka fsync"; header[5 + nsys] = "better"
    ncols = 5 + nsys
    for (c = 1; c <= ncols; c++) { t[0, c] = header[c]; width[c] = length(header[c]) }
    for (r = 1; r <= nrows; r++) {
        k = order[r]
        t[r, 1] = label[k]; t[r, 2] = metricname[k]
        for (i = 1; i <= nsys; i++) t[r, 2 + i] = cell(sys[i], k)
        t[r, 3 + nsys] = ratio("chronik", "kafka", k)
        t[r, 4 + nsys] = ratio("chronik", "kafka-fsync", k)
        t[r, 5 + nsys] = better[k] == "-" ? "" : better[k]
        for (c = 1; c <= ncols; c++) if (length(t[r, c]) > width[c]) width[c] = length(t[r, c])
    }
    # stdout: aligned text; summary.csv; summary.md
    for (r = 0; r <= nrows; r++) {
        line = ""; csvline = ""; mdline = "|"
        for (c = 1; c <= ncols; c++) {
            line = line sprintf("%" (c <= 2 ? "-" : "") width[c] "s  ", t[r, c])
            csvline = csvline (c > 1 ? "," : "") t[r, c]
            mdline = mdline " " t[r, c] " |"
        }
        print line
        if (csv != "") print csvline > csv
        md_rows[r] = mdline
    }
    if (nnotes > 0) {
        print "\nNotes:"
        for (i = 1; i <= nnotes; i++) print notes[i]
    }
    if (md == "") exit
    print "# Chronik vs Apache Kafka 4.4.0 — benchmark results\n" > md
    print "Ratios are Chronik ÷ Kafka: above 1 is better for Chronik where higher is better (throughput), below 1 is" > md
    print "better where lower is better (latency, memory, start-up, disk).\n" > md
    print "## Machine and settings\n" > md
    while ((getline envline < env) > 0) print "- " envline > md
    print "\n## Results\n" > md
    print md_rows[0] > md
    sep = "|"; for (c = 1; c <= ncols; c++) sep = sep (c <= 2 ? "---|" : "---:|")
    print sep > md
    for (r = 1; r <= nrows; r++) print md_rows[r] > md
    if (nnotes > 0) {
        print "\n## Notes\n" > md
        for (i = 1; i <= nnotes; i++) print notes[i] > md
    }
    print "\n![throughput and latency](chart.png)" > md
}
