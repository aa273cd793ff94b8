#!/usr/bin/env python3
"""Independent reference data for the crystallography tests, computed with other people's code:
gemmi 0.5.7 (Debian python3-gemmi: space-group tables, systematic absences, d-spacings, IT92 form factors,
structure factors) and periodictable 1.6 (Debian python3-periodictable: Waasmaier & Kirfel 1995 form factors).
Nothing here calls OperandoXrd. Run with /usr/bin/python3 from this folder; outputs *.tsv next to it.
"""
import glob, math, os
import gemmi
import periodictable.cromermann as wk

here = os.path.dirname(os.path.abspath(__file__))
phases = os.path.join(here, "..", "..", "..", "calibration", "phases")

# 1. Space groups of the built-in table (our symbol -> gemmi's name for the same setting).
names = {"P1": "P 1", "P-1": "P -1", "P2_1/m": "P 1 21/m 1", "C2/m": "C 1 2/m 1", "P2_1/c": "P 1 21/c 1", "P2_1/n": "P 1 21/n 1",
         "C2/c": "C 1 2/c 1", "P2_12_12_1": "P 21 21 21", "Pmn2_1": "P m n 21", "Pbcn": "P b c n", "Pbca": "P b c a",
         "Pnma": "P n m a", "Cmcm": "C m c m", "P4/mmm": "P 4/m m m", "P4_2/mnm": "P 42/m n m", "I4/mmm": "I 4/m m m",
         "I4_1/amd": "I 41/a m d:2", "I4_1/amd:1": "I 41/a m d:1", "P-3m1": "P -3 m 1", "P-31m": "P -3 1 m",
         "R-3m": "R -3 m:H", "R-3m:R": "R -3 m:R", "R-3c": "R -3 c:H", "P6/mmm": "P 6/m m m", "P6_3/mmc": "P 63/m m c",
         "Pa-3": "P a -3", "F-43m": "F -4 3 m", "Pm-3m": "P m -3 m", "Fm-3m": "F m -3 m", "Fd-3m": "F d -3 m:2",
         "Fd-3m:1": "F d -3 m:1", "Im-3m": "I m -3 m"}
with open(os.path.join(here, "space_groups.tsv"), "w") as f:
    f.write("# symbol\tnumber\torder\toperators (gemmi triplets)\n")
    for ours, theirs in names.items():
        sg = gemmi.SpaceGroup(theirs)
        ops = sorted(op.triplet() for op in sg.operations())
        f.write(f"{ours}\t{sg.number}\t{len(ops)}\t{';'.join(ops)}\n")

# 2. Unique reflections of every library phase down to d_min = 1.0 A: orbit key (smallest member), multiplicity
#    (point-group orbit incl. Friedel mates, from gemmi's rotation matrices), d from gemmi's cell.
DMIN = 1.0
with open(os.path.join(here, "phase_reflections.tsv"), "w") as f:
    f.write("# phase\tn_operators\tkey_h\tkey_k\tkey_l\tmultiplicity\td\n")
    for path in sorted(glob.glob(os.path.join(phases, "*.cif"))):
        st = gemmi.read_small_structure(path)
        doc = gemmi.cif.read(path)
        ops = gemmi.GroupOps([gemmi.Op(gemmi.cif.as_string(t)) for t in doc.sole_block().find_values("_space_group_symop_operation_xyz")])
        name = os.path.splitext(os.path.basename(path))[0]
        cell = st.cell
        rots = [op.rot for op in ops.sym_ops]
        hmax = [int(cell.a / DMIN), int(cell.b / DMIN), int(cell.c / DMIN)]
        seen = set()
        n_ops = len(ops.sym_ops) * len(ops.cen_ops)
        for h in range(-hmax[0], hmax[0] + 1):
            for k in range(-hmax[1], hmax[1] + 1):
                for l in range(-hmax[2], hmax[2] + 1):
                    if (h, k, l) == (0, 0, 0) or cell.calculate_d([h, k, l]) < DMIN:
                        continue
                    if ops.is_systematically_absent([h, k, l]):
                        continue
                    orbit = set()
                    for r in rots:
                        e = tuple(sum([h, k, l][i] * r[i][j] for i in range(3)) // gemmi.Op.DEN for j in range(3))
                        orbit.add(e)
                        orbit.add(tuple(-v for v in e))
                    key = min(orbit)
                    if key in seen:
                        continue
                    seen.add(key)
                    f.write(f"{name}\t{n_ops}\t{key[0]}\t{key[1]}\t{key[2]}\t{len(orbit)}\t{cell.calculate_d([h, k, l]):.10f}\n")

# 3. Form factors: gemmi's IT92 evaluation (neutral atoms) and Waasmaier-Kirfel (ions and atoms).
S = [0.0, 0.1, 0.25, 0.5, 1.0, 1.5]
symbols = ["H", "Li", "C", "O", "Na", "Al", "Si", "P", "S", "Cl", "Sc", "Mn", "Co", "Ni", "In",
           "Li1+", "Na1+", "Al3+", "Cl1-", "O1-", "Sc3+", "Mn3+", "Mn4+", "Co3+", "Ni2+", "Ni3+", "In3+"]
with open(os.path.join(here, "form_factors.tsv"), "w") as f:
    f.write("# symbol\ts=sin(theta)/lambda\tf_gemmi_it92 (neutral only, else nan)\tf_waasmaier_kirfel\n")
    for sym in symbols:
        for s in S:
            g = gemmi.Element(sym.rstrip("+-0123456789")).it92.calculate_sf(s * s / 1.0 * 4 / 4) if sym.isalpha() else float("nan")
            w = float(wk.fxrayatstol(sym, s))
            f.write(f"{sym}\t{s}\t{g:.6f}\t{w:.6f}\n")

# 4. Structure factors of Si and NaCl (neutral atoms, isotropic B) with gemmi's calculator.
def small(cif):
    return gemmi.read_small_structure_from_string(cif) if hasattr(gemmi, "read_small_structure_from_string") else \
        gemmi.make_small_structure_from_block(gemmi.cif.read_string(cif).sole_block())

si = """data_Si
_cell_length_a 5.43102
_cell_length_b 5.43102
_cell_length_c 5.43102
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F d -3 m :2'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_U_iso_or_equiv
Si1 Si 0.125 0.125 0.125 0.005866
"""
nacl = """data_NaCl
_cell_length_a 5.6402
_cell_length_b 5.6402
_cell_length_c 5.6402
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_U_iso_or_equiv
Na1 Na 0 0 0 0.0200
Cl1 Cl 0.5 0.5 0.5 0.0150
"""
with open(os.path.join(here, "structure_factors.tsv"), "w") as f:
    f.write("# structure\th\tk\tl\tabs_F_gemmi\tabs_F_waasmaier_kirfel\n")
    for name, text, atoms in (("Si", si, None), ("NaCl", nacl, None)):
        st = small(text)
        st.setup_cell_images()
        calc = gemmi.StructureFactorCalculatorX(st.cell)
        sites = st.get_all_unit_cell_sites()
        # gemmi 0.5.7 sums every site over all symmetry images without merging special positions; every site in
        # these two structures sits on a special position with the same redundancy, which we divide out.
        images = len(gemmi.SpaceGroup(st.spacegroup_hm).operations())
        redundancy = images / (len(sites) / len(st.sites))
        for hkl in ([1, 1, 1], [2, 0, 0], [2, 2, 0], [3, 1, 1], [2, 2, 2], [4, 0, 0], [3, 3, 1], [4, 2, 2], [5, 1, 1], [4, 4, 0]):
            fg = abs(calc.calculate_sf_from_small_structure(st, hkl)) / redundancy
            stol = 1 / (2 * st.cell.calculate_d(hkl))
            re = im = 0.0
            for site in sites:
                b = 8 * math.pi ** 2 * site.u_iso
                amp = site.occ * float(wk.fxrayatstol(site.element.name, stol)) * math.exp(-b * stol * stol)
                ph = 2 * math.pi * (hkl[0] * site.fract.x + hkl[1] * site.fract.y + hkl[2] * site.fract.z)
                re += amp * math.cos(ph); im += amp * math.sin(ph)
            f.write(f"{name}\t{hkl[0]}\t{hkl[1]}\t{hkl[2]}\t{fg:.6f}\t{math.hypot(re, im):.6f}\n")
print("ok")
