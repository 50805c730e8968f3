# ctnn_roofline.gp: the roofline of this machine with measured points.
# ctnn-bench --roofline plot.svg calls it; by hand:
#   gnuplot -e "datafile='points.dat'; outfile='roof.svg'; term='svg'; peak=230; bw_l1=260; bw_l2=95; bw_l3=28; bw_dram=14" ctnn_roofline.gp
# points.dat: one line a case: "name" intensity(flop/byte) GFLOP/s
# peak: the measured FMA peak (GFLOP/s); bw_*: measured copy bandwidths (GB/s).
if (!exists("term")) term = "svg size 900,600"
if (!exists("outfile")) outfile = "roofline.svg"
set terminal @term noenhanced
set output outfile
set logscale xy
set xlabel "arithmetic intensity (flop / byte of working set)"
set ylabel "GFLOP/s"
set title sprintf("roofline: peak %.0f GFLOP/s (measured FMA throughput, one core)", peak)
set grid
set samples 1000
set key left top
set xrange [0.01:1000]
set yrange [0.1:peak * 2]
roof(x, bw) = (x * bw < peak) ? x * bw : peak
plot roof(x, bw_l1) title sprintf("L1 %.0f GB/s", bw_l1) lw 2, \
     roof(x, bw_l2) title sprintf("L2 %.0f GB/s", bw_l2) lw 2, \
     roof(x, bw_l3) title sprintf("L3 %.0f GB/s", bw_l3) lw 2, \
     roof(x, bw_dram) title sprintf("DRAM %.0f GB/s", bw_dram) lw 2, \
     datafile using 2:3 with points pt 7 ps 1.2 lc rgb "black" title "measured", \
     datafile using 2:3:1 with labels offset 1,0.6 left font ",8" noenhanced notitle
