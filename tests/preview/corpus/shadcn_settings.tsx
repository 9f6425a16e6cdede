// A settings page built from shadcn/ui components under @/components/ui/*.
// @expect [role="tablist"]
// @expect-text Account settings
// @click button[role="switch"]#marketing
// @then-text Marketing emails on
// @click [role="tab"]:has-text("Notifications")
// @then-text Choose how we contact you
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Slider } from "@/components/ui/slider";
import { Badge } from "@/components/ui/badge";
import { Separator } from "@/components/ui/separator";
import { Avatar, AvatarFallback, AvatarImage } from "@/components/ui/avatar";
import { Textarea } from "@/components/ui/textarea";
import { Checkbox } from "@/components/ui/checkbox";
import { Progress } from "@/components/ui/progress";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Tooltip, TooltipContent, TooltipProvider, TooltipTrigger } from "@/components/ui/tooltip";
import { AlertCircle } from "lucide-react";

type Theme = "light" | "dark" | "system";

interface Profile {
  name: string;
  email: string;
  bio: string;
}

export default function SettingsPage() {
  const [profile, setProfile] = useState<Profile>({ name: "Ada Lovelace", email: "ada@example.com", bio: "" });
  const [marketing, setMarketing] = useState<boolean>(false);
  const [theme, setTheme] = useState<Theme>("system");
  const [volume, setVolume] = useState<number[]>([60]);
  const [agree, setAgree] = useState<boolean>(true);

  const update = (key: keyof Profile) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setProfile({ ...profile, [key]: e.target.value });

  return (
    <TooltipProvider>
      <div className="max-w-2xl mx-auto p-6 space-y-6">
        <div className="flex items-center gap-4">
          <Avatar>
            <AvatarImage src="https://github.com/shadcn.png" alt="avatar" />
            <AvatarFallback>AL</AvatarFallback>
          </Avatar>
          <div>
            <h1 className="text-2xl font-semibold">Account settings</h1>
            <Badge variant="secondary">Pro plan</Badge>
          </div>
        </div>
        <Alert>
          <AlertCircle className="h-4 w-4" />
          <AlertTitle>Heads up!</AlertTitle>
          <AlertDescription>Your trial ends in 3 days.</AlertDescription>
        </Alert>
        <Tabs defaultValue="profile" className="w-full">
          <TabsList>
            <TabsTrigger value="profile">Profile</TabsTrigger>
            <TabsTrigger value="notifications">Notifications</TabsTrigger>
          </TabsList>
          <TabsContent value="profile">
            <Card>
              <CardHeader>
                <CardTitle>Profile</CardTitle>
                <CardDescription>This is how others see you.</CardDescription>
              </CardHeader>
              <CardContent className="space-y-4">
                <div className="space-y-2">
                  <Label htmlFor="name">Name</Label>
                  <Input id="name" value={profile.name} onChange={update("name")} />
                </div>
                <div className="space-y-2">
                  <Label htmlFor="bio">Bio</Label>
                  <Textarea id="bio" value={profile.bio} onChange={update("bio")} placeholder="Tell us about yourself" />
                </div>
                <div className="space-y-2">
                  <Label>Theme</Label>
                  <Select value={theme} onValueChange={(v) => setTheme(v as Theme)}>
                    <SelectTrigger className="w-40"><SelectValue placeholder="Theme" /></SelectTrigger>
                    <SelectContent>
                      <SelectItem value="light">Light</SelectItem>
                      <SelectItem value="dark">Dark</SelectItem>
                      <SelectItem value="system">System</SelectItem>
                    </SelectContent>
                  </Select>
                </div>
                <div className="space-y-2">
                  <Label>Volume: {volume[0]}</Label>
                  <Slider value={volume} onValueChange={setVolume} max={100} step={1} />
                  <Progress value={volume[0]} />
                </div>
              </CardContent>
              <CardFooter className="justify-between">
                <div className="flex items-center gap-2">
                  <Checkbox id="agree" checked={agree} onCheckedChange={(v) => setAgree(v === true)} />
                  <Label htmlFor="agree">Keep me signed in</Label>
                </div>
                <Dialog>
                  <DialogTrigger asChild><Button>Save changes</Button></DialogTrigger>
                  <DialogContent>
                    <DialogHeader>
                      <DialogTitle>Saved</DialogTitle>
                      <DialogDescription>Your profile was updated.</DialogDescription>
                    </DialogHeader>
                  </DialogContent>
                </Dialog>
              </CardFooter>
            </Card>
          </TabsContent>
          <TabsContent value="notifications">
            <Card>
              <CardHeader>
                <CardTitle>Notifications</CardTitle>
                <CardDescription>Choose how we contact you.</CardDescription>
              </CardHeader>
              <CardContent>
                <p>Email: {profile.email}</p>
              </CardContent>
            </Card>
          </TabsContent>
        </Tabs>
        <Separator />
        <div className="flex items-center justify-between">
          <Tooltip>
            <TooltipTrigger asChild><Label htmlFor="marketing">Marketing emails</Label></TooltipTrigger>
            <TooltipContent>At most one a month</TooltipContent>
          </Tooltip>
          <Switch id="marketing" checked={marketing} onCheckedChange={setMarketing} />
        </div>
        <p className="text-sm text-muted-foreground">Marketing emails {marketing ? "on" : "off"}</p>
      </div>
    </TooltipProvider>
  );
}
