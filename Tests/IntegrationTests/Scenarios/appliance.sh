#!/bin/sh
# A small appliance doing what small appliances do: accounts from the distribution, a
# system logger, a web server that drops to its own user, a status agent running as a
# service account, a periodic job that archives and rotates logs, and clients.
set -u
cat >> /etc/passwd <<'P'
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
messagebus:x:100:106::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
P
cat >> /etc/group <<'G'
daemon:x:1:
www-data:x:33:
messagebus:x:106:
nogroup:x:65534:
G
mkdir -p /var/log /var/www /var/spool/status /run
chown 100:106 /var/spool/status
grep -q localhost /etc/hosts 2>/dev/null || printf '127.0.0.1\tlocalhost appliance\n::1\tlocalhost ip6-localhost\n' >> /etc/hosts
ip link set lo up
# Ask for a DHCP lease in the background, as appliances do (this one has no network card).
udhcpc -i eth0 -n -q -t 2 -T 1 > /dev/null 2>&1 &
# Meanwhile, take stock of accounts and mounts (shell builtins only).
accounts=0
while IFS=: read -r name _ uid gid _; do
    case $uid in ''|*[!0-9]*) continue ;; esac
    [ "$uid" -ge 100 ] && echo "service account $name ($uid:$gid)" >> /var/log/accounts
    accounts=$((accounts + 1))
done < /etc/passwd
mounts=0
while read -r dev dir type _; do
    case $type in proc|sysfs|devtmpfs|tmpfs) mounts=$((mounts + 1)) ;; esac
done < /proc/mounts
echo "$accounts accounts, $mounts virtual file systems" >> /var/log/accounts
# Start each service unless it runs already, as init scripts do.
pidof syslogd > /dev/null || syslogd -O /var/log/messages
pidof klogd > /dev/null || klogd
logger -t boot "system up"

# Web content and server (busybox httpd drops to www-data itself).
hostname appliance
printf '<html><body>%s</body></html>\n' "$(hostname)" > /var/www/index.html
uname -a > /var/www/version.txt
pidof httpd > /dev/null || httpd -p 127.0.0.1:80 -h /var/www -u www-data:www-data

# A status agent as a service account: samples load and memory into its spool.
su -s /bin/sh messagebus -c '
    i=0
    while [ $i -lt 5 ]; do
        cat /proc/loadavg >> /var/spool/status/load 2>/dev/null
        grep MemFree /proc/meminfo >> /var/spool/status/mem 2>/dev/null
        i=$((i + 1)); sleep 0.2
    done' &
agent=$!

# Clients: fetch pages with curl (a dynamic Debian program) and busybox wget.
sleep 0.5
curl -s -o /tmp/index.html http://appliance/ && logger -t web "fetched $(wc -c < /tmp/index.html) bytes"
wget -q -O /tmp/version.txt http://127.0.0.1/version.txt || logger -t web "wget failed"
curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1/missing.html

# Periodic job: check, archive and rotate the logs.
cd /var/log
if grep -q error messages; then logger -t job "errors found"; else logger -t job "no errors"; fi
tar -czf /tmp/logs.tar.gz -C /var log 2>/dev/null || tar -czf /tmp/logs.tar.gz messages
mv messages messages.0 && kill -HUP $(pidof syslogd) 2>/dev/null
md5sum /tmp/logs.tar.gz > /tmp/logs.md5
ls -la /var/log /tmp > /dev/null
df > /dev/null
ps > /dev/null
wait $agent
cat /var/spool/status/load | wc -l
cd /
killall httpd klogd syslogd 2>/dev/null
exit 0
