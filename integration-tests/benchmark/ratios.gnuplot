# The ratios usertcp/epoll of run-benchmark.sh as bars from 1 on a log scale: up is usertcp's number
# being larger, green is usertcp doing better (which depends on the metric: higher req/s, lower latency).
#   gnuplot -e "data='ratios.dat'; output='ratios.png'" ratios.gnuplot
# ratios.dat (summarize.py): position, "chart label", ratio, colour as 0xRRGGBB, higher|lower

set terminal pngcairo size 1200,650 font "sans,10"
set output output
set title "example-http on usertcp relative to kernel TCP (epoll): ratio usertcp/epoll per metric"
stats data using 1 name "POSITION" nooutput
stats data using 3 name "RATIO" nooutput
# Room around the bars, and 1 always in view.
set logscale y 2
set yrange [(RATIO_min < 0.5 ? RATIO_min / 1.4 : 0.35):(RATIO_max > 2 ? RATIO_max * 1.4 : 2.8)]
set xrange [POSITION_min - 0.7:POSITION_max + 0.7]
set ylabel "usertcp / epoll (log scale)"
set grid ytics
set xtics rotate by -30 nomirror
set key off
set style fill solid 0.85 border -1
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 1.5 lc rgb "black"
half_width = 0.35
plot data using 1:3:($1 - half_width):($1 + half_width):(1):3:4:xtic(sprintf("%s\n(%s is better)", strcol(2), strcol(5))) \
         with boxxyerror lc rgb variable, \
     data using 1:($3 >= 1 ? $3 * 1.06 : $3 / 1.06):(sprintf("%.2f", $3)) with labels font "sans,9"
