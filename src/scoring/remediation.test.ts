import { describe, expect, it } from 'vitest';
import { remediationCommand, shellQuote, type RemediationInput } from './remediation.js';

describe('remediationCommand', () => {
  it.each<[string, RemediationInput, string | undefined]>([
    ['deb', { type: 'deb', name: 'openssl', fixedVersion: '3.0.11-1~deb12u2', distroId: 'debian' }, "apt-get install --only-upgrade 'openssl=3.0.11-1~deb12u2'"],
    ['deb with an epoch', { type: 'deb', name: 'bind9', fixedVersion: '1:9.18.19-1~deb12u1' }, "apt-get install --only-upgrade 'bind9=1:9.18.19-1~deb12u1'"],
    ['apk', { type: 'apk', name: 'busybox', fixedVersion: '1.36.1-r7', distroId: 'alpine' }, "apk add --upgrade 'busybox>=1.36.1-r7'"],
    ['rpm on RHEL 9', { type: 'rpm', name: 'openssl', fixedVersion: '1:3.0.7-25.el9_3', distroId: 'rhel', distroVersion: '9.3' }, 'dnf upgrade openssl-1:3.0.7-25.el9_3'],
    ['rpm on RHEL 7', { type: 'rpm', name: 'openssl', fixedVersion: '1:1.0.2k-26.el7_9', distroId: 'rhel', distroVersion: '7.9' }, 'yum update openssl-1:1.0.2k-26.el7_9'],
    ['rpm on Amazon Linux 2', { type: 'rpm', name: 'curl', fixedVersion: '8.3.0-1.amzn2.0.4', distroId: 'amzn', distroVersion: '2' }, 'yum update curl-8.3.0-1.amzn2.0.4'],
    ['rpm on Amazon Linux 2023', { type: 'rpm', name: 'curl', fixedVersion: '8.3.0-1.amzn2023.0.2', distroId: 'amzn', distroVersion: '2023' }, 'dnf upgrade curl-8.3.0-1.amzn2023.0.2'],
    ['rpm on SUSE', { type: 'rpm', name: 'libxml2-2', fixedVersion: '2.10.3-150500.5.11.1', distroId: 'sles', distroVersion: '15.5' }, "zypper install 'libxml2-2>=2.10.3-150500.5.11.1'"],
    ['rpm on Photon OS', { type: 'rpm', name: 'zlib', fixedVersion: '1.3-1.ph5', distroId: 'photon', distroVersion: '5.0' }, 'tdnf upgrade zlib-1.3-1.ph5'],
    ['rpm without a distro', { type: 'rpm', name: 'zlib', fixedVersion: '1.2.13-5.fc39' }, 'dnf upgrade zlib-1.2.13-5.fc39'],
    ['npm', { type: 'npm', ecosystem: 'npm', name: 'lodash', fixedVersion: '4.17.21' }, 'npm install lodash@4.17.21'],
    ['npm scoped', { type: 'npm', name: '@babel/traverse', fixedVersion: '7.23.2' }, 'npm install @babel/traverse@7.23.2'],
    ['PyPI', { type: 'pypi', ecosystem: 'PyPI', name: 'requests', fixedVersion: '2.31.0' }, "pip install 'requests>=2.31.0'"],
    ['Go module', { type: 'golang', ecosystem: 'Go', name: 'golang.org/x/net', fixedVersion: '0.17.0' }, 'go get golang.org/x/net@v0.17.0'],
    ['Go module with v already', { type: 'golang', name: 'github.com/gin-gonic/gin', fixedVersion: 'v1.6.0' }, 'go get github.com/gin-gonic/gin@v1.6.0'],
    ['Go standard library', { type: 'golang', name: 'stdlib', fixedVersion: '1.21.3' }, 'upgrade Go to 1.21.3'],
    ['Maven', { type: 'maven', name: 'org.apache.logging.log4j:log4j-core', fixedVersion: '2.17.1' }, 'update org.apache.logging.log4j:log4j-core to 2.17.1'],
    ['cargo', { type: 'cargo', name: 'hyper', fixedVersion: '0.14.10' }, 'cargo update -p hyper --precise 0.14.10'],
    ['RubyGems', { type: 'gem', name: 'nokogiri', fixedVersion: '1.15.4' }, 'gem install nokogiri -v 1.15.4'],
    ['Composer', { type: 'composer', name: 'guzzlehttp/psr7', fixedVersion: '2.4.5' }, "composer require 'guzzlehttp/psr7:^2.4.5'"],
    ['NuGet', { type: 'nuget', name: 'Newtonsoft.Json', fixedVersion: '13.0.1' }, 'dotnet add package Newtonsoft.Json --version 13.0.1'],
    ['a name with shell characters is quoted', { type: 'npm', name: "evil;rm -rf $HOME'", fixedVersion: '1.0.0' }, `npm install 'evil;rm -rf $HOME'\\''@1.0.0'`],
    // '~' after '=' is expanded by bash even in arguments: quoted.
    ['deb without a tilde stays bare', { type: 'deb', name: 'bash', fixedVersion: '5.2.15-2+b2' }, 'apt-get install --only-upgrade bash=5.2.15-2+b2'],
    ['no fixed version', { type: 'npm', name: 'lodash', fixedVersion: ' ' }, undefined],
    ['no name', { type: 'deb', name: '', fixedVersion: '1.0' }, undefined],
  ])('%s', (_name, input, expected) => {
    expect(remediationCommand(input)).toBe(expected);
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain-1.2.3', 'plain-1.2.3'],
    ['a b', "'a b'"],
    ["it's", `'it'\\''s'`],
    ['x>=1', "'x>=1'"],
    ['', "''"],
  ])('%j → %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});
