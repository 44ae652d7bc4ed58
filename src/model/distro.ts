/** @module The operating system a target runs, as /etc/os-release (or its fallbacks) describes it. */

export interface Distro {
  /** os-release ID, lower case: debian, ubuntu, alpine, rhel, fedora, amzn, sles, … */
  id: string;
  /** os-release VERSION_ID: 12, 22.04, 3.20.1, 9.4, 2023 … (absent on rolling releases such as Debian sid). */
  versionId?: string;
  /** os-release VERSION_CODENAME: bookworm, jammy, … */
  codename?: string;
  /** os-release ID_LIKE, lower case. */
  idLike: string[];
  name?: string;
  prettyName?: string;
  /** CPE_NAME, when the release file gives one. */
  cpeName?: string;
  /** The file the facts were read from. */
  source: string;
}
