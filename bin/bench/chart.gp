# gnuplot script of bin/bench/chart.sh: run = results directory holding chart-throughput.dat and
# chart-latency.dat, subtitle = date, mode and load of the run (rows: "label" chronik kafka kafka-fsync, "?" where a system has no value).
set terminal pngcairo size 1500,650 font "DejaVu Sans,10"
set output run."/chart.png"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key below horizontal
set grid ytics
set xtics rotate by -25 nomirror
set multiplot layout 1,2 title "Chronik vs Apache Kafka 4.4.0 (bin/bench/run.sh; settings in summary.md)\n".subtitle

set title "Throughput (MiB/s, higher is better)"
set yrange [0:*]
plot run."/chart-throughput.dat" using 2:xtic(1) title "Chronik (fsync)" lc rgb "#1f77b4", \
     '' using 3 title "Kafka (no fsync)" lc rgb "#ff7f0e", \
     '' using 4 title "Kafka flush.messages=1" lc rgb "#2ca02c"

set title "Produce latency (ms, log scale, lower is better; 0 ms = below the tool's 1 ms resolution, not drawn)"
set logscale y
set yrange [0.5:*]
plot run."/chart-latency.dat" using 2:xtic(1) title "Chronik (fsync)" lc rgb "#1f77b4", \
     '' using 3 title "Kafka (no fsync)" lc rgb "#ff7f0e", \
     '' using 4 title "Kafka flush.messages=1" lc rgb "#2ca02c"
unset multiplot
